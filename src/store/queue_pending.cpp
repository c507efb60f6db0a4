// SqliteQueue::for_each_pending: the read-only walk over pending jobs that `run --dry-run` prints
// (those a run would send: not in a paused scope).
#include <fmt/format.h>

#include "store/paused_scopes_sql.hpp"
#include "store/queue_statements.hpp"
#include "store/sqlite_queue.hpp"

namespace oneall::store {

Status SqliteQueue::for_each_pending(std::optional<std::int64_t> batch,
                               const std::function<void(const PendingRequest&)>& each) {
  try {
    Statement select(db_, fmt::format("SELECT id, batch_id, method, path, body, source, "
                                      "next_attempt_at FROM jobs WHERE state = 'pending' AND "
                                      "(?1 IS NULL OR batch_id = ?1) AND NOT {} AND {} "
                                      "ORDER BY id",
                                      in_flight_sql("jobs.id"), not_paused_sql("jobs.batch_id")));
    select.bind(1, batch);
    PendingRequest request;
    while (select.step()) {
      request.job_id = select.column_int(0);
      request.batch_id = select.column_int(1);
      request.method = select.column_text(2);
      request.path = select.column_text(3);
      request.body = select.column_text(4);
      request.source = select.column_text(5);
      request.next_attempt_at = select.column_int(6);
      each(request);
    }
    return Ok{};
  } catch (const SqliteError& e) {
    return store_error(e, fmt::format("read the pending jobs of {}", path_));
  }
}

}  // namespace oneall::store
