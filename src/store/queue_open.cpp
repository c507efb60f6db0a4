// Queue::open and Queue::exists: the one place that picks a backend for a location. It sits
// above the backends (sqlite_queue.hpp, pg_queue.hpp), which implement the interface it returns
// (queue.hpp).
#include <fmt/format.h>

#include <filesystem>
#include <system_error>

#include "store/pg_queue.hpp"
#include "store/queue.hpp"
#include "store/queue_location.hpp"
#include "store/sqlite_queue.hpp"

namespace oneall::store {

Result<std::unique_ptr<Queue>> Queue::open(const std::string& location, const Clock& clock,
                                           QueueOpen how) {
  auto where = parse_queue_location(location);
  if (!where) return where.error();
  if (where->kind == QueueLocation::Kind::kPostgres) {
    auto queue = PgQueue::open(where->target, where->shown, clock, how);
    if (!queue) return queue.error();
    return std::unique_ptr<Queue>(std::move(queue).value());
  }
  auto queue = SqliteQueue::open(location, clock, how);
  if (!queue) return queue.error();
  return std::unique_ptr<Queue>(std::move(queue).value());
}

Result<bool> Queue::exists(const std::string& location) {
  auto where = parse_queue_location(location);
  if (!where) return where.error();
  if (where->kind == QueueLocation::Kind::kPostgres) {
    auto present = PgQueue::exists(where->target);
    if (!present) {
      return Error{fmt::format("cannot open queue database {}: {}", where->shown,
                               present.error().message)};
    }
    return *present;
  }
  // An error (a folder that cannot be read) is left for open() to report with its cause.
  std::error_code ec;
  return std::filesystem::exists(location, ec) || ec;
}

}  // namespace oneall::store
