// PgQueue::status, attempts and the audit chain's reads: the read side, for `status`, `audit`
// and `audit verify`. Long walks go a page of rows at a time (keyset on id), so memory does not
// grow with the log.
#include <fmt/format.h>

#include <limits>

#include "store/attempt_chain.hpp"
#include "store/paused_scopes_sql.hpp"
#include "store/pg_queue.hpp"
#include "store/schedule_sql.hpp"

namespace oneall::store {
namespace {

constexpr int kPageRows = 1000;

// The attempt columns as AttemptRow holds them, from a select of kAttemptColumns.
constexpr const char* kAttemptColumns =
    "id, run_id, job_id, attempt, started_at, ended_at, method, path, request_body, http_status, "
    "curl_error, retry_after, api_flag, api_code, api_info, response_body, response_truncated, "
    "outcome, note, requests_sent";

AttemptRow attempt_row(const PgRows& rows, int i) {
  AttemptRow row;
  row.id = rows.integer(i, 0);
  row.run_id = rows.integer(i, 1);
  row.job_id = rows.integer(i, 2);
  row.attempt = static_cast<int>(rows.integer(i, 3));
  row.started_at = rows.integer(i, 4);
  row.ended_at = rows.integer(i, 5);
  row.method = rows.text(i, 6);
  row.path = rows.text(i, 7);
  row.request_body = rows.text(i, 8);
  row.http_status = static_cast<int>(rows.optional_integer(i, 9).value_or(0));
  row.curl_error = rows.text(i, 10);
  row.retry_after = bytea_value(rows, i, 11);
  row.api_flag = rows.text(i, 12);
  if (auto code = rows.optional_integer(i, 13)) row.api_code = static_cast<int>(*code);
  row.api_info = rows.text(i, 14);
  row.response_body = bytea_value(rows, i, 15);
  row.response_truncated = rows.integer(i, 16) != 0;
  row.outcome = rows.text(i, 17);
  row.note = rows.text(i, 18);
  row.requests_sent = static_cast<int>(rows.integer(i, 19));
  return row;
}

// The row's hashed values as SQLite's typeof() would name them: PostgreSQL's columns have one
// type each, so the class follows from the column (and NULL).
ChainValue chain_integer(const PgRows& rows, int i, int column) {
  if (rows.is_null(i, column)) return {"null", ""};
  return {"integer", rows.text(i, column)};
}

std::vector<ChainValue> chain_values(const AttemptRow& row, const PgRows& rows, int i) {
  return {chain_integer(rows, i, 1),  chain_integer(rows, i, 2),  chain_integer(rows, i, 3),
          chain_integer(rows, i, 4),  chain_integer(rows, i, 5),  {"text", row.method},
          {"text", row.path},         {"text", row.request_body}, chain_integer(rows, i, 9),
          {"text", row.curl_error},   {"text", row.retry_after},  {"text", row.api_flag},
          chain_integer(rows, i, 13), {"text", row.api_info},     {"text", row.response_body},
          chain_integer(rows, i, 16), {"text", row.outcome},      {"text", row.note},
          chain_integer(rows, i, 19)};
}

}  // namespace

Result<QueueStatus> PgQueue::status() {
  try {
    // One snapshot: a job counted pending in its row and running in in_flight must be the same
    // job at the same moment.
    PgTransaction snapshot(connection_);
    connection_.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    QueueStatus status;
    status.by_state = zero_state_counts();
    PgRows totals = connection_.query("SELECT state, COUNT(*) FROM jobs GROUP BY state");
    for (int i = 0; i < totals.size(); ++i) {
      if (auto state = parse_state(totals.text(i, 0)))
        status.by_state[*state] = totals.integer(i, 1);
    }

    PgRows batches = connection_.query(
        "SELECT b.id, b.description, b.created_at, j.state, COUNT(j.id) "
        "FROM batches AS b LEFT JOIN jobs AS j ON j.batch_id = b.id "
        "GROUP BY b.id, j.state ORDER BY b.id");
    for (int i = 0; i < batches.size(); ++i) {
      const std::int64_t id = batches.integer(i, 0);
      if (status.batches.empty() || status.batches.back().batch_id != id) {
        status.batches.push_back(
            {id, batches.text(i, 1), batches.integer(i, 2), zero_state_counts(), 0, std::nullopt});
      }
      if (auto state = parse_state(batches.text(i, 3))) {
        status.batches.back().by_state[*state] = batches.integer(i, 4);
      }
    }

    PgRows running = connection_.query(
        "SELECT j.batch_id, COUNT(*) FROM in_flight AS f JOIN jobs AS j ON j.id = f.job_id "
        "GROUP BY j.batch_id");
    for (int i = 0; i < running.size(); ++i) {
      const std::int64_t batch_id = running.integer(i, 0);
      const std::int64_t in_flight = running.integer(i, 1);
      count_in_flight_as_running(status.by_state, in_flight);
      for (BatchCounts& batch : status.batches) {
        if (batch.batch_id == batch_id) count_in_flight_as_running(batch.by_state, in_flight);
      }
    }

    PgRows scheduled = connection_.query(scheduled_by_batch_sql("$1"), {clock_.now_ms()});
    for (int i = 0; i < scheduled.size(); ++i) {
      add_scheduled(status, scheduled.integer(i, 0), scheduled.integer(i, 1),
                    scheduled.integer(i, 2));
    }

    auto read_run = [this](const char* order) -> std::optional<RunRow> {
      PgRows select =
          connection_.query(fmt::format("SELECT id, started_at, ended_at, exit_code, "
                                        "(SELECT COUNT(*) FROM attempts WHERE run_id = runs.id) "
                                        "FROM runs {} LIMIT 1",
                                        order));
      if (select.size() == 0) return std::nullopt;
      RunRow run;
      run.run_id = select.integer(0, 0);
      run.started_at = select.integer(0, 1);
      run.ended_at = select.optional_integer(0, 2);
      if (auto code = select.optional_integer(0, 3)) run.exit_code = static_cast<int>(*code);
      run.attempts = select.integer(0, 4);
      return run;
    };
    status.last_run = read_run("ORDER BY id DESC");
    status.last_ended_run = read_run("WHERE ended_at IS NOT NULL ORDER BY ended_at DESC, id DESC");
    status.last_success_at = connection_.query("SELECT MAX(ended_at) FROM runs WHERE exit_code = 0")
                                 .optional_integer(0, 0);
    status.oldest_due_since =
        connection_
            .query(
                "SELECT MIN(GREATEST(j.next_attempt_at, j.updated_at)) FROM jobs AS j "
                "WHERE j.state = 'pending' AND j.next_attempt_at <= $1 AND NOT EXISTS "
                "(SELECT 1 FROM in_flight AS f WHERE f.job_id = j.id) AND " +
                    not_paused_sql("j.batch_id"),
                {clock_.now_ms()})
            .optional_integer(0, 0);
    PgRows live = connection_.query(
        "SELECT id, host, pid, started_at, heartbeat_at FROM runs "
        "WHERE ended_at IS NULL AND live_until >= $1 ORDER BY id",
        {clock_.now_ms()});
    for (int i = 0; i < live.size(); ++i) {
      status.live_runs.push_back({live.integer(i, 0), live.text(i, 1), live.integer(i, 2),
                                  live.integer(i, 3), live.integer(i, 4)});
    }
    PgRows api_root = connection_.query("SELECT value FROM queue_settings WHERE name = 'api_root'");
    if (api_root.size() > 0) status.api_root = api_root.text(0, 0);
    auto paused = paused_scopes();
    if (!paused) return paused.error();
    status.paused = std::move(*paused);
    snapshot.commit();
    return status;
  } catch (const PgError& e) {
    return pg_store_error(e, fmt::format("read the status of {}", shown_));
  }
}

Result<std::vector<AttemptRow>> PgQueue::attempts(const AttemptFilter& filter) {
  try {
    PgRows rows = connection_.query(
        fmt::format("SELECT {} FROM attempts WHERE ($1::BIGINT IS NULL OR job_id = $1) AND "
                    "($2::BIGINT IS NULL OR run_id = $2) ORDER BY id",
                    kAttemptColumns),
        {filter.job_id ? PgParam(*filter.job_id) : PgParam(std::nullopt),
         filter.run_id ? PgParam(*filter.run_id) : PgParam(std::nullopt)});
    std::vector<AttemptRow> result;
    result.reserve(static_cast<std::size_t>(rows.size()));
    for (int i = 0; i < rows.size(); ++i) result.push_back(attempt_row(rows, i));
    return result;
  } catch (const PgError& e) {
    return pg_store_error(e, fmt::format("read the attempt log of {}", shown_));
  }
}

Status PgQueue::for_each_chained_attempt(const std::function<bool(const ChainedAttempt&)>& each) {
  try {
    walk_chained_attempts(std::numeric_limits<std::int64_t>::min(),
                          std::numeric_limits<std::int64_t>::max(), each);
    return Ok{};
  } catch (const PgError& e) {
    return pg_store_error(e, fmt::format("read the attempt log of {}", shown_));
  }
}

void PgQueue::walk_chained_attempts(std::int64_t after, std::int64_t up_to,
                                    const std::function<bool(const ChainedAttempt&)>& each) {
  const std::string select = fmt::format(
      "SELECT {}, prev_hash, row_hash FROM attempts WHERE id > $1 AND id <= $2 ORDER BY id "
      "LIMIT {}",
      kAttemptColumns, kPageRows);
  for (;;) {
    PgRows rows = connection_.query(select, {after, up_to});
    for (int i = 0; i < rows.size(); ++i) {
      const AttemptRow stored = attempt_row(rows, i);
      ChainedAttempt row;
      row.id = stored.id;
      row.job_id = stored.job_id;
      if (!rows.is_null(i, 20)) row.prev_hash = rows.text(i, 20);
      if (!rows.is_null(i, 21)) row.row_hash = rows.text(i, 21);
      row.values = chain_values(stored, rows, i);
      if (!each(row)) return;
      after = stored.id;
    }
    if (rows.size() < kPageRows) return;
  }
}

Result<std::optional<std::int64_t>> PgQueue::attempt_with_hash(const std::string& hash) {
  try {
    PgRows found = connection_.query(
        "SELECT id FROM attempts WHERE row_hash = $1 ORDER BY id LIMIT 1", {hash});
    if (found.size() == 0) return std::optional<std::int64_t>();
    return std::optional<std::int64_t>(found.integer(0, 0));
  } catch (const PgError& e) {
    return pg_store_error(e, fmt::format("read the attempt log of {}", shown_));
  }
}

}  // namespace oneall::store
