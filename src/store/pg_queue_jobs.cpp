// PgQueue::for_each_job, count_jobs, retry_jobs, cancel_jobs, for_each_pending, has_batch and
// has_job: the per-job side of `report`, `retry`, `cancel` and `run --dry-run`, with the filter's
// SQL (job_filter_sql.hpp) written for the fields it gives. The walks go a page of rows at a
// time (keyset on id), so memory does not grow with the queue. Neither change writes an attempt
// row: no request is made; the job's state, note and updated_at say what happened.
#include <fmt/format.h>

#include <string>
#include <string_view>
#include <vector>

#include "store/job_filter_sql.hpp"
#include "store/job_scope.hpp"
#include "store/paused_scopes_sql.hpp"
#include "store/pg_queue.hpp"

namespace oneall::store {
namespace {

constexpr int kPageRows = 1000;

constexpr const char* kInFlight = "EXISTS (SELECT 1 FROM in_flight AS f WHERE f.job_id = jobs.id)";

// A job's state as the user sees it: one in flight stays 'pending' in its row.
std::string state_now_sql() {
  return fmt::format("(CASE WHEN {} THEN 'running' ELSE jobs.state END)", kInFlight);
}

// `filter` as SQL whose parameters start at $first_param.
FilterSql filter_sql(const JobFilter& filter, int first_param) {
  return job_filter_sql(filter, kInFlight, ParamStyle::kPostgres, first_param);
}

// `params`, then the filter's values.
std::vector<PgParam> with_filter(std::vector<PgParam> params, const FilterSql& sql) {
  for (const SqlValue& value : sql.values) {
    std::visit([&](const auto& v) { params.emplace_back(v); }, value);
  }
  return params;
}

// Sets `assignments` ($1 the time) on the jobs `filter` matches, and returns how many changed.
std::int64_t update_matching(PgConnection& connection, std::string_view assignments,
                             const JobFilter& filter, EpochMs now) {
  const FilterSql where = filter_sql(filter, 2);
  return connection
      .query_range(fmt::format("UPDATE jobs SET {} WHERE {}", assignments, where.where),
                   with_filter({PgParam(now)}, where))
      .affected();
}

}  // namespace

Status PgQueue::for_each_job(const JobFilter& filter,
                             const std::function<void(const JobReportRow&)>& each) {
  try {
    const FilterSql where = filter_sql(filter, 2);
    const std::string select = fmt::format(
        "SELECT id, batch_id, source, op, target, identity, page_id, object_id, {}, attempts, "
        "last_http_status, last_outcome, note, updated_at, method, path, body, not_before, "
        "expires_at FROM jobs "
        "WHERE id > $1 AND {} ORDER BY id LIMIT {}",
        state_now_sql(), where.where, kPageRows);
    std::int64_t after = 0;
    JobReportRow row;
    for (;;) {
      PgRows rows = connection_.query_range(select, with_filter({PgParam(after)}, where));
      for (int i = 0; i < rows.size(); ++i) {
        row.job_id = rows.integer(i, 0);
        row.batch_id = rows.integer(i, 1);
        row.source = rows.text(i, 2);
        row.op = rows.text(i, 3);
        row.target = rows.text(i, 4);
        row.identity = rows.text(i, 5);
        row.page_id = rows.text(i, 6);
        row.object_id = rows.text(i, 7);
        row.state = parse_state(rows.text(i, 8)).value_or(JobState::kPending);
        row.attempts = rows.integer(i, 9);
        row.last_http_status.reset();
        if (auto status = rows.optional_integer(i, 10)) {
          row.last_http_status = static_cast<int>(*status);
        }
        row.last_outcome = rows.text(i, 11);
        row.note = rows.text(i, 12);
        row.updated_at = rows.integer(i, 13);
        row.request.method = rows.text(i, 14);
        row.request.path = rows.text(i, 15);
        row.request.body = rows.text(i, 16);
        row.not_before = rows.optional_integer(i, 17);
        row.expires_at = rows.optional_integer(i, 18);
        each(row);
        after = row.job_id;
      }
      if (rows.size() < kPageRows) return Ok{};
    }
  } catch (const PgError& e) {
    return pg_store_error(e, fmt::format("read the jobs of {}", shown_));
  }
}

Result<StateCounts> PgQueue::count_jobs(const JobFilter& filter) {
  try {
    const FilterSql where = filter_sql(filter, 1);
    PgRows rows = connection_.query_range(
        fmt::format("SELECT {}, COUNT(*) FROM jobs WHERE {} GROUP BY 1", state_now_sql(),
                    where.where),
        with_filter({}, where));
    StateCounts counts = zero_state_counts();
    for (int i = 0; i < rows.size(); ++i) {
      if (auto state = parse_state(rows.text(i, 0))) counts[*state] = rows.integer(i, 1);
    }
    return counts;
  } catch (const PgError& e) {
    return pg_store_error(e, fmt::format("count the jobs of {}", shown_));
  }
}

Result<std::int64_t> PgQueue::retry_jobs(const JobFilter& filter) {
  JobFilter scope = filter;
  scope.states = retry_states(filter);
  if (scope.states.empty()) return std::int64_t{0};
  try {
    return update_matching(connection_,
                           // A scheduled job still waits for its not_before.
                           "state = 'pending', next_attempt_at = COALESCE(not_before, 0), "
                           "attempt_base = attempts, "
                           "note = 'retried', updated_at = $1::BIGINT",
                           scope, clock_.now_ms());
  } catch (const PgError& e) {
    return pg_store_error(e, fmt::format("move failed and dead jobs back to pending in {}", shown_));
  }
}

Result<std::int64_t> PgQueue::cancel_jobs(const JobFilter& filter) {
  JobFilter scope = filter;
  scope.states = cancel_states(filter);
  if (scope.states.empty()) return std::int64_t{0};
  try {
    return update_matching(connection_,
                           "state = 'cancelled', note = 'cancelled', updated_at = $1::BIGINT",
                           scope, clock_.now_ms());
  } catch (const PgError& e) {
    return pg_store_error(e, fmt::format("cancel pending jobs in {}", shown_));
  }
}

Status PgQueue::for_each_pending(std::optional<std::int64_t> batch,
                                 const std::function<void(const PendingRequest&)>& each) {
  try {
    const std::string select = fmt::format(
        "SELECT id, batch_id, method, path, body, source, next_attempt_at FROM jobs "
        "WHERE state = 'pending' AND ($1::BIGINT IS NULL OR batch_id = $1) AND NOT {} AND {} "
        "AND id > $2 ORDER BY id LIMIT {}",
        kInFlight, not_paused_sql("jobs.batch_id"), kPageRows);
    std::int64_t after = 0;
    PendingRequest request;
    for (;;) {
      PgRows rows = connection_.query(
          select, {batch ? PgParam(*batch) : PgParam(std::nullopt), after});
      for (int i = 0; i < rows.size(); ++i) {
        request.job_id = rows.integer(i, 0);
        request.batch_id = rows.integer(i, 1);
        request.method = rows.text(i, 2);
        request.path = rows.text(i, 3);
        request.body = rows.text(i, 4);
        request.source = rows.text(i, 5);
        request.next_attempt_at = rows.integer(i, 6);
        each(request);
        after = request.job_id;
      }
      if (rows.size() < kPageRows) return Ok{};
    }
  } catch (const PgError& e) {
    return pg_store_error(e, fmt::format("read the pending jobs of {}", shown_));
  }
}

Result<bool> PgQueue::has_batch(std::int64_t batch_id) {
  try {
    return connection_.query("SELECT 1 FROM batches WHERE id = $1", {batch_id}).size() > 0;
  } catch (const PgError& e) {
    return pg_store_error(e, fmt::format("read the batches of {}", shown_));
  }
}

Result<bool> PgQueue::has_job(std::int64_t job_id) {
  try {
    return connection_.query("SELECT 1 FROM jobs WHERE id = $1", {job_id}).size() > 0;
  } catch (const PgError& e) {
    return pg_store_error(e, fmt::format("read the jobs of {}", shown_));
  }
}

}  // namespace oneall::store
