// SqliteQueue::status and SqliteQueue::attempts: the read side, for `status` and `audit`. These
// queries run rarely, so they are prepared per call.
#include <fmt/format.h>

#include <limits>

#include "store/attempt_chain.hpp"
#include "store/paused_scopes_sql.hpp"
#include "store/queue_statements.hpp"
#include "store/schedule_sql.hpp"
#include "store/sqlite_queue.hpp"
#include "util/this_host.hpp"

namespace oneall::store {

Result<QueueStatus> SqliteQueue::status() {
  try {
    // One snapshot: a job counted pending in its row and running in in_flight must be the same
    // job at the same moment, or a run working meanwhile could make the counts go wrong.
    Transaction snapshot(db_, Transaction::Mode::kRead);
    QueueStatus status;
    status.by_state = zero_state_counts();
    Statement batches(db_,
                      "SELECT b.id, b.description, b.created_at, j.state, COUNT(j.id) "
                      "FROM batches AS b LEFT JOIN jobs AS j ON j.batch_id = b.id "
                      "GROUP BY b.id, j.state ORDER BY b.id");
    while (batches.step()) {
      const std::int64_t id = batches.column_int(0);
      if (status.batches.empty() || status.batches.back().batch_id != id) {
        status.batches.push_back({id, batches.column_text(1), batches.column_int(2),
                                  zero_state_counts(), 0, std::nullopt});
      }
      if (auto state = parse_state(batches.column_text(3))) {
        status.batches.back().by_state[*state] = batches.column_int(4);
        // Every job is in a batch: the queue's totals are the batches' (one walk of
        // jobs_by_batch; there is no index by state alone, schema 13).
        status.by_state[*state] += batches.column_int(4);
      }
    }

    Statement running(db_,
                      "SELECT j.batch_id, COUNT(*) FROM in_flight AS f "
                      "JOIN jobs AS j ON j.id = f.job_id GROUP BY j.batch_id");
    while (running.step()) {
      const std::int64_t batch_id = running.column_int(0);
      const std::int64_t in_flight = running.column_int(1);
      count_in_flight_as_running(status.by_state, in_flight);
      for (BatchCounts& batch : status.batches) {
        if (batch.batch_id == batch_id) count_in_flight_as_running(batch.by_state, in_flight);
      }
    }

    Statement scheduled(db_, scheduled_by_batch_sql("?1"));
    scheduled.bind(1, clock_.now_ms());
    while (scheduled.step()) {
      add_scheduled(status, scheduled.column_int(0), scheduled.column_int(1),
                    scheduled.column_int(2));
    }

    auto read_run = [this](const char* order) -> std::optional<RunRow> {
      Statement select(db_, fmt::format("SELECT id, started_at, ended_at, exit_code, "
                                        "(SELECT COUNT(*) FROM attempts WHERE run_id = runs.id) "
                                        "FROM runs {} LIMIT 1",
                                        order));
      if (!select.step()) return std::nullopt;
      RunRow run;
      run.run_id = select.column_int(0);
      run.started_at = select.column_int(1);
      run.ended_at = select.column_optional_int(2);
      if (auto code = select.column_optional_int(3)) run.exit_code = static_cast<int>(*code);
      run.attempts = select.column_int(4);
      return run;
    };
    status.last_run = read_run("ORDER BY id DESC");
    status.last_ended_run = read_run("WHERE ended_at IS NOT NULL ORDER BY ended_at DESC, id DESC");
    Statement success(db_, "SELECT MAX(ended_at) FROM runs WHERE exit_code = 0");
    if (success.step()) status.last_success_at = success.column_optional_int(0);
    // Due: ready, or waiting with its time come and no claim turn since (jobs_ready, then
    // jobs_waiting up to now).
    const std::string runnable =
        " AND NOT " + in_flight_sql("j.id") + " AND " + not_paused_sql("j.batch_id");
    Statement oldest_due(
        db_,
        "SELECT MIN(since) FROM ("
        "SELECT MAX(j.next_attempt_at, j.updated_at) AS since FROM jobs AS j "
        "WHERE j.state = 'pending' AND j.waiting = 0" +
            runnable +
            " UNION ALL SELECT MAX(j.next_attempt_at, j.updated_at) FROM jobs AS j "
            "WHERE j.state = 'pending' AND j.waiting = 1 AND j.next_attempt_at <= ?1" +
            runnable + ")");
    oldest_due.bind(1, clock_.now_ms());
    if (oldest_due.step()) status.oldest_due_since = oldest_due.column_optional_int(0);
    // A SQLite queue is worked from this host only (its write-ahead log needs shared memory).
    Statement live(db_,
                   "SELECT id, pid, started_at, heartbeat_at FROM runs "
                   "WHERE ended_at IS NULL AND live_until >= ?1 ORDER BY id");
    live.bind(1, clock_.now_ms());
    while (live.step()) {
      status.live_runs.push_back({live.column_int(0), host_name(), live.column_int(1),
                                  live.column_int(2), live.column_int(3)});
    }
    Statement api_root(db_, "SELECT value FROM queue_settings WHERE name = 'api_root'");
    if (api_root.step()) status.api_root = api_root.column_text(0);
    auto paused = paused_scopes();
    if (!paused) return paused.error();
    status.paused = std::move(*paused);
    return status;
  } catch (const SqliteError& e) {
    return store_error(e, fmt::format("read the status of {}", path_));
  }
}

Result<std::vector<AttemptRow>> SqliteQueue::attempts(const AttemptFilter& filter) {
  try {
    // Only the filters given are written out: `?1 IS NULL OR job_id = ?1` would make SQLite scan
    // the whole log, where attempts_by_job and attempts_by_run find a job's or a run's rows (the
    // runner looks a job's rows up when a DELETE is answered 404).
    std::string where;
    if (filter.job_id) where = "WHERE job_id = ?1";
    if (filter.run_id) where += where.empty() ? "WHERE run_id = ?2" : " AND run_id = ?2";
    Statement select(db_, fmt::format("SELECT id, run_id, job_id, attempt, started_at, ended_at, "
                                      "method, path, request_body, http_status, curl_error, "
                                      "retry_after, api_flag, api_code, api_info, response_body, "
                                      "response_truncated, outcome, note, requests_sent "
                                      "FROM attempts {} ORDER BY id",
                                      where));
    if (filter.job_id) select.bind(1, *filter.job_id);
    if (filter.run_id) select.bind(2, *filter.run_id);
    std::vector<AttemptRow> rows;
    while (select.step()) {
      AttemptRow row;
      row.id = select.column_int(0);
      row.run_id = select.column_int(1);
      row.job_id = select.column_int(2);
      row.attempt = static_cast<int>(select.column_int(3));
      row.started_at = select.column_int(4);
      row.ended_at = select.column_int(5);
      row.method = select.column_text(6);
      row.path = select.column_text(7);
      row.request_body = select.column_text(8);
      row.http_status = static_cast<int>(select.column_optional_int(9).value_or(0));
      row.curl_error = select.column_text(10);
      row.retry_after = select.column_text(11);
      row.api_flag = select.column_text(12);
      if (auto code = select.column_optional_int(13)) row.api_code = static_cast<int>(*code);
      row.api_info = select.column_text(14);
      row.response_body = select.column_text(15);
      row.response_truncated = select.column_int(16) != 0;
      row.outcome = select.column_text(17);
      row.note = select.column_text(18);
      row.requests_sent = static_cast<int>(select.column_int(19));
      rows.push_back(std::move(row));
    }
    return rows;
  } catch (const SqliteError& e) {
    return store_error(e, fmt::format("read the attempt log of {}", path_));
  }
}

Status SqliteQueue::for_each_chained_attempt(
    const std::function<bool(const ChainedAttempt&)>& each) {
  try {
    walk_chained_attempts(std::numeric_limits<std::int64_t>::min(),
                          std::numeric_limits<std::int64_t>::max(), each);
    return Ok{};
  } catch (const SqliteError& e) {
    return store_error(e, fmt::format("read the attempt log of {}", path_));
  }
}

void SqliteQueue::walk_chained_attempts(std::int64_t after, std::int64_t up_to,
                                        const std::function<bool(const ChainedAttempt&)>& each) {
  Statement rows(db_, fmt::format("SELECT id, job_id, prev_hash, row_hash, {} FROM attempts "
                                  "WHERE id > ?1 AND id <= ?2 ORDER BY id",
                                  chain_select_list()));
  rows.bind(1, after).bind(2, up_to);
  while (rows.step()) {
    ChainedAttempt row;
    row.id = rows.column_int(0);
    row.job_id = rows.column_int(1);
    if (!rows.is_null(2)) row.prev_hash = rows.column_text(2);
    if (!rows.is_null(3)) row.row_hash = rows.column_text(3);
    row.values = read_chain_values(rows, 4);
    if (!each(row)) break;
  }
}

Result<std::optional<std::int64_t>> SqliteQueue::attempt_with_hash(const std::string& hash) {
  try {
    // Only asked once, at a break, so a full scan (there is no index on row_hash) is fine.
    Statement find(db_, "SELECT id FROM attempts WHERE row_hash = ?1 ORDER BY id LIMIT 1");
    find.bind(1, hash);
    if (!find.step()) return std::optional<std::int64_t>();
    return std::optional<std::int64_t>(find.column_int(0));
  } catch (const SqliteError& e) {
    return store_error(e, fmt::format("read the attempt log of {}", path_));
  }
}

}  // namespace oneall::store
