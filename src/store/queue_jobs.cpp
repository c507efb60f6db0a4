// SqliteQueue::for_each_job, count_jobs, retry_jobs, cancel_jobs, has_batch and has_job: the
// per-job side of `report`, `retry` and `cancel`. Rarely run, so prepared per call, with the
// filter's SQL (job_filter_sql.hpp) written for the fields it gives. Neither change writes an
// attempt row: no request is made; the job's state, note and updated_at say what happened.
#include <fmt/format.h>

#include <string>
#include <string_view>

#include "store/job_filter_sql.hpp"
#include "store/job_scope.hpp"
#include "store/queue_statements.hpp"
#include "store/sqlite_queue.hpp"

namespace oneall::store {
namespace {

// A job's state as the user sees it: one in flight stays 'pending' in its row (schema 6).
std::string state_now_sql() {
  return fmt::format("(CASE WHEN {} THEN 'running' ELSE jobs.state END)", in_flight_sql("jobs.id"));
}

// `filter` as SQL whose parameters start at ?first_param.
FilterSql filter_sql(const JobFilter& filter, int first_param = 1) {
  return job_filter_sql(filter, in_flight_sql("jobs.id"), ParamStyle::kSqlite, first_param);
}

void bind_filter(Statement& statement, const FilterSql& sql, int first_param = 1) {
  int index = first_param;
  for (const SqlValue& value : sql.values) {
    std::visit([&](const auto& v) { statement.bind(index, v); }, value);
    ++index;
  }
}

// Sets `assignments` (?1 the time) on the jobs `filter` matches, and returns how many changed.
std::int64_t update_matching(Database& db, std::string_view assignments, const JobFilter& filter,
                             EpochMs now) {
  const FilterSql where = filter_sql(filter, 2);
  Statement statement(db, fmt::format("UPDATE jobs SET {} WHERE {}", assignments, where.where));
  statement.bind(1, now);
  bind_filter(statement, where, 2);
  statement.run();
  return static_cast<std::int64_t>(db.changes());
}

}  // namespace

Status SqliteQueue::for_each_job(const JobFilter& filter,
                                 const std::function<void(const JobReportRow&)>& each) {
  try {
    const FilterSql where = filter_sql(filter);
    Statement select(db_, fmt::format("SELECT id, batch_id, source, op, target, identity, "
                                      "page_id, object_id, {}, attempts, last_http_status, "
                                      "last_outcome, note, updated_at, method, path, body, "
                                      "not_before, expires_at "
                                      "FROM jobs WHERE {} ORDER BY id",
                                      state_now_sql(), where.where));
    bind_filter(select, where);
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
      row.request.method = select.column_text(14);
      row.request.path = select.column_text(15);
      row.request.body = select.column_text(16);
      row.not_before = select.column_optional_int(17);
      row.expires_at = select.column_optional_int(18);
      each(row);
    }
    return Ok{};
  } catch (const SqliteError& e) {
    return store_error(e, fmt::format("read the jobs of {}", path_));
  }
}

Result<StateCounts> SqliteQueue::count_jobs(const JobFilter& filter) {
  try {
    const FilterSql where = filter_sql(filter);
    Statement select(db_, fmt::format("SELECT {}, COUNT(*) FROM jobs WHERE {} GROUP BY 1",
                                      state_now_sql(), where.where));
    bind_filter(select, where);
    StateCounts counts = zero_state_counts();
    while (select.step()) {
      if (auto state = parse_state(select.column_text(0))) counts[*state] = select.column_int(1);
    }
    return counts;
  } catch (const SqliteError& e) {
    return store_error(e, fmt::format("count the jobs of {}", path_));
  }
}

Result<std::int64_t> SqliteQueue::retry_jobs(const JobFilter& filter) {
  JobFilter scope = filter;
  scope.states = retry_states(filter);
  if (scope.states.empty()) return std::int64_t{0};
  try {
    return update_matching(db_,
                           // A scheduled job still waits for its not_before.
                           "state = 'pending', next_attempt_at = COALESCE(not_before, 0), "
                           "waiting = not_before IS NOT NULL, "
                           "attempt_base = attempts, "
                           "note = 'retried', updated_at = ?1",
                           scope, clock_.now_ms());
  } catch (const SqliteError& e) {
    return store_error(e, fmt::format("move failed and dead jobs back to pending in {}", path_));
  }
}

Result<std::int64_t> SqliteQueue::cancel_jobs(const JobFilter& filter) {
  JobFilter scope = filter;
  scope.states = cancel_states(filter);
  if (scope.states.empty()) return std::int64_t{0};
  try {
    return update_matching(db_, "state = 'cancelled', note = 'cancelled', updated_at = ?1", scope,
                           clock_.now_ms());
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
