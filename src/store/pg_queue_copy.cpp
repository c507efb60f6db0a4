// PgQueue::size and copy_rows_to: the read side of `copy`, every row of every table as stored,
// in one REPEATABLE READ transaction (one snapshot), fetched through a cursor a page at a time
// so memory does not grow with the queue.
#include <fmt/format.h>

#include "store/pg_queue.hpp"

namespace oneall::store {
namespace {

constexpr int kPageRows = 1000;

std::optional<std::string> optional_text(const PgRows& rows, int i, int column) {
  if (rows.is_null(i, column)) return std::nullopt;
  return rows.text(i, column);
}

// Runs `select` through a cursor, handing each row to `sink` as `read(rows, i)` makes it; the
// sink's first Error ends the walk (the transaction's end closes the cursor).
template <class Read>
Status each_row(PgConnection& connection, std::string_view select, Queue::RowSink& sink,
                Read read) {
  connection.exec(fmt::format("DECLARE copy_rows NO SCROLL CURSOR FOR {}", select));
  const std::string fetch = fmt::format("FETCH {} FROM copy_rows", kPageRows);
  for (;;) {
    PgRows rows = connection.query(fetch);
    for (int i = 0; i < rows.size(); ++i) {
      if (auto added = sink.add(read(rows, i)); !added) return added;
    }
    if (rows.size() < kPageRows) break;
  }
  connection.exec("CLOSE copy_rows");
  return Ok{};
}

SettingRecord setting(const PgRows& rows, int i) { return {rows.text(i, 0), rows.text(i, 1)}; }

}  // namespace

BatchRecord pg_batch_record(const PgRows& rows, int i) {
  return {rows.integer(i, 0), rows.integer(i, 1), rows.text(i, 2)};
}

namespace {

RunRecord run(const PgRows& rows, int i) {
  RunRecord run;
  run.id = rows.integer(i, 0);
  run.started_at = rows.integer(i, 1);
  run.ended_at = rows.optional_integer(i, 2);
  run.host = rows.text(i, 3);
  run.pid = rows.integer(i, 4);
  run.options_json = rows.text(i, 5);
  run.summary_json = optional_text(rows, i, 6);
  run.exit_code = rows.optional_integer(i, 7);
  return run;
}

}  // namespace

JobRecord pg_job_record(const PgRows& rows, int i) {
  JobRecord job;
  job.id = rows.integer(i, 0);
  job.batch_id = rows.integer(i, 1);
  job.job_key = bytea_value(rows, i, 2);
  job.object_hash = rows.integer(i, 3);
  job.source = rows.text(i, 4);
  job.op = rows.text(i, 5);
  job.target = rows.text(i, 6);
  job.identity = rows.text(i, 7);
  job.page_id = rows.text(i, 8);
  job.object_id = rows.text(i, 9);
  job.method = rows.text(i, 10);
  job.path = rows.text(i, 11);
  job.body = rows.text(i, 12);
  job.state = rows.text(i, 13);
  job.attempts = rows.integer(i, 14);
  job.next_attempt_at = rows.integer(i, 15);
  job.note = rows.text(i, 16);
  job.last_http_status = rows.optional_integer(i, 17);
  job.last_outcome = optional_text(rows, i, 18);
  job.updated_at = rows.integer(i, 19);
  job.attempt_base = rows.integer(i, 20);
  job.not_before = rows.optional_integer(i, 21);
  job.expires_at = rows.optional_integer(i, 22);
  return job;
}

namespace {

InFlightRecord in_flight(const PgRows& rows, int i) {
  return {rows.integer(i, 0), rows.integer(i, 1), rows.integer(i, 2), rows.integer(i, 3),
          rows.integer(i, 4)};
}

}  // namespace

Result<QueueSize> PgQueue::size() {
  try {
    PgRows count = connection_.query(
        "SELECT (SELECT COUNT(*) FROM queue_settings), (SELECT COUNT(*) FROM batches), "
        "(SELECT COUNT(*) FROM runs), (SELECT COUNT(*) FROM jobs), "
        "(SELECT COUNT(*) FROM attempts), (SELECT COUNT(*) FROM in_flight), "
        "(SELECT COUNT(*) FROM chain_checkpoints), (SELECT COUNT(*) FROM paused_scopes)");
    return QueueSize{count.integer(0, 0), count.integer(0, 1), count.integer(0, 2),
                     count.integer(0, 3), count.integer(0, 4), count.integer(0, 5),
                     count.integer(0, 6), count.integer(0, 7)};
  } catch (const PgError& e) {
    return pg_store_error(e, fmt::format("count the rows of {}", shown_));
  }
}

Status PgQueue::copy_rows_to(RowSink& sink) {
  try {
    PgTransaction snapshot(connection_);
    connection_.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    if (auto done = each_row(connection_, "SELECT name, value FROM queue_settings ORDER BY name",
                             sink, setting);
        !done) {
      return done;
    }
    if (auto done =
            each_row(connection_, "SELECT id, created_at, description FROM batches ORDER BY id",
                     sink, pg_batch_record);
        !done) {
      return done;
    }
    if (auto done = each_row(connection_,
                             "SELECT id, started_at, ended_at, host, pid, options_json, "
                             "summary_json, exit_code FROM runs ORDER BY id",
                             sink, run);
        !done) {
      return done;
    }
    if (auto done = each_row(connection_,
                             fmt::format("SELECT {} FROM jobs ORDER BY id", kPgJobRecordColumns),
                             sink, pg_job_record);
        !done) {
      return done;
    }

    auto checkpoints = chain_checkpoints();
    if (!checkpoints) return checkpoints.error();
    for (const ChainCheckpoint& checkpoint : *checkpoints) {
      if (auto added = sink.add(checkpoint); !added) return added;
    }

    Status refused = Ok{};
    auto read = for_each_chained_attempt([&](const ChainedAttempt& row) {
      refused = sink.add(row);
      return refused.ok();
    });
    if (!read) return read;
    if (!refused) return refused;

    auto done = each_row(connection_,
                         "SELECT job_id, run_id, attempt, claimed_at, lease_until FROM in_flight "
                         "ORDER BY job_id",
                         sink, in_flight);
    if (!done) return done;

    auto paused = paused_scopes();  // a handful of rows
    if (!paused) return paused.error();
    for (const PausedScope& scope : *paused) {
      if (auto added = sink.add(scope); !added) return added;
    }
    snapshot.commit();
    return Ok{};
  } catch (const PgError& e) {
    return pg_store_error(e, fmt::format("read the rows of {}", shown_));
  }
}

}  // namespace oneall::store
