// Queue::open: the one place that picks a backend for a location. It sits above the backends
// (sqlite_queue.hpp), which implement the interface it returns (queue.hpp).
#include "store/queue.hpp"

#include "store/sqlite_queue.hpp"

namespace oneall::store {

Result<std::unique_ptr<Queue>> Queue::open(const std::string& location, const Clock& clock,
                                           QueueOpen how) {
  auto queue = SqliteQueue::open(location, clock, how);
  if (!queue) return queue.error();
  return std::unique_ptr<Queue>(std::move(queue).value());
}

}  // namespace oneall::store
