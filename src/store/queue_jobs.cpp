// SqliteQueue::for_each_job, retry_jobs, cancel_jobs, has_batch and has_job: the per-job side
// of `report`, `retry` and `cancel`. Rarely run, so prepared per call. Neither change writes an
// attempt row: no request is made; the job's state, note and updated_at say what happened.
#include <fmt/format.h>

#include <string>
#include <string_view>

#include "store/sqlite_queue.hpp"
#include "store/queue_statements.hpp"

namespace oneall::store {
namespace {

// A job's state as the user sees it: one in flight stays 'pending' in its row (schema 6).
std::string state_now_sql() {
  return fmt::format("(CASE WHEN {} THEN 'running' ELSE jobs.state END)", in_flight_sql("jobs.id"));
}

// ?1 batch, ?2 state, ?3 job id; NULL matches everything.
std::string filter_sql() {
  return fmt::format(
      "(?1 IS NULL OR batch_id = ?1) AND (?2 IS NULL OR {} = ?2) AND (?3 IS NULL OR id = ?3)",
      state_now_sql());
}

void bind_filter(Statement& statement, const JobFilter& filter) {
  statement.bind(1, filter.batch_id);
  if (filter.state) {
    statement.bind(2, state_name(*filter.state));
  } else {
    statement.bind(2, std::nullopt);
  }
  statement.bind(3, filter.job_id);
}

// Runs `update` (an UPDATE of jobs whose WHERE ends in "AND ", ?4 the time) over the jobs
// `filter` matches, and returns how many changed.
std::int64_t update_matching(Database& db, std::string_view update, const JobFilter& filter,
                             EpochMs now) {
  Statement statement(db, fmt::format("{}{}", update, filter_sql()));
  bind_filter(statement, filter);
  statement.bind(4, now);
  statement.run();
  return static_cast<std::int64_t>(db.changes());
}

}  // namespace

Status SqliteQueue::for_each_job(const JobFilter& filter,
                           const std::function<void(const JobReportRow&)>& each) {
  try {
    Statement select(db_, fmt::format("SELECT id, batch_id, source, op, target, identity, "
                                      "page_id, object_id, {}, attempts, last_http_status, "
                                      "last_outcome, note, updated_at FROM jobs WHERE {} "
                                      "ORDER BY id",
                                      state_now_sql(), filter_sql()));
    bind_filter(select, filter);
    JobReportRow row;
    while (select.step()) {
      row.job_id = select.column_int(0);
      row.batch_id = select.column_int(1);
      row.source = select.column_text(2);
      row.op = select.column_text(3);
      row.target = select.column_text(4);
      row.identity = select.column_text(5);
      row.page_id = select.column_text(6);
      row.object_id = select.column_text(7);
      row.state = parse_state(select.column_text(8)).value_or(JobState::kPending);
      row.attempts = select.column_int(9);
      row.last_http_status.reset();
      if (auto status = select.column_optional_int(10))
        row.last_http_status = static_cast<int>(*status);
      row.last_outcome = select.column_text(11);
      row.note = select.column_text(12);
      row.updated_at = select.column_int(13);
      each(row);
    }
    return Ok{};
  } catch (const SqliteError& e) {
    return store_error(e, fmt::format("read the jobs of {}", path_));
  }
}

Result<std::int64_t> SqliteQueue::retry_jobs(const JobFilter& filter) {
  try {
    return update_matching(db_,
                           "UPDATE jobs SET state = 'pending', next_attempt_at = 0, "
                           "attempt_base = attempts, note = 'retried', updated_at = ?4 "
                           "WHERE (state IN ('failed', 'dead') OR "
                           "(state = 'cancelled' AND ?2 = 'cancelled')) AND ",
                           filter, clock_.now_ms());
  } catch (const SqliteError& e) {
    return store_error(e, fmt::format("move failed and dead jobs back to pending in {}", path_));
  }
}

Result<std::int64_t> SqliteQueue::cancel_jobs(const JobFilter& filter) {
  try {
    return update_matching(db_,
                           "UPDATE jobs SET state = 'cancelled', note = 'cancelled', "
                           "updated_at = ?4 WHERE state = 'pending' AND NOT " +
                               in_flight_sql("jobs.id") + " AND ",
                           filter, clock_.now_ms());
  } catch (const SqliteError& e) {
    return store_error(e, fmt::format("cancel pending jobs in {}", path_));
  }
}

namespace {

bool row_exists(Database& db, const char* sql, std::int64_t id) {
  Statement select(db, sql);
  select.bind(1, id);
  return select.step();
}

}  // namespace

Result<bool> SqliteQueue::has_batch(std::int64_t batch_id) {
  try {
    return row_exists(db_, "SELECT 1 FROM batches WHERE id = ?1", batch_id);
  } catch (const SqliteError& e) {
    return store_error(e, fmt::format("read the batches of {}", path_));
  }
}

Result<bool> SqliteQueue::has_job(std::int64_t job_id) {
  try {
    return row_exists(db_, "SELECT 1 FROM jobs WHERE id = ?1", job_id);
  } catch (const SqliteError& e) {
    return store_error(e, fmt::format("read the jobs of {}", path_));
  }
}

}  // namespace oneall::store
