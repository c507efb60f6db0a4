// SqliteQueue::size and copy_rows_to: the read side of `copy`, every row of every table as
// stored, in one read transaction (one snapshot) and streamed, a row at a time.
#include <fmt/format.h>

#include "store/queue_statements.hpp"
#include "store/sqlite_queue.hpp"

namespace oneall::store {
namespace {

// Steps `select` to its end, handing each row to `sink` as `read(select)` makes it; the
// sink's first Error ends the walk.
template <class Read>
Status each_row(Statement& select, Queue::RowSink& sink, Read read) {
  while (select.step()) {
    if (auto added = sink.add(read(select)); !added) return added;
  }
  return Ok{};
}

std::optional<std::string> optional_text(const Statement& row, int column) {
  if (row.is_null(column)) return std::nullopt;
  return row.column_text(column);
}

SettingRecord setting(const Statement& row) { return {row.column_text(0), row.column_text(1)}; }

}  // namespace

BatchRecord read_batch_record(const Statement& row) {
  return {row.column_int(0), row.column_int(1), row.column_text(2)};
}

namespace {

RunRecord run(const Statement& row) {
  RunRecord run;
  run.id = row.column_int(0);
  run.started_at = row.column_int(1);
  run.ended_at = row.column_optional_int(2);
  run.pid = row.column_int(3);
  run.options_json = row.column_text(4);
  run.summary_json = optional_text(row, 5);
  run.exit_code = row.column_optional_int(6);
  return run;
}

}  // namespace

JobRecord read_job_record(const Statement& row) {
  JobRecord job;
  job.id = row.column_int(0);
  job.batch_id = row.column_int(1);
  job.job_key = row.column_text(2);  // a BLOB's bytes
  job.object_hash = row.column_int(3);
  job.source = row.column_text(4);
  job.op = row.column_text(5);
  job.target = row.column_text(6);
  job.identity = row.column_text(7);
  job.page_id = row.column_text(8);
  job.object_id = row.column_text(9);
  job.method = row.column_text(10);
  job.path = row.column_text(11);
  job.body = row.column_text(12);
  job.state = row.column_text(13);
  job.attempts = row.column_int(14);
  job.next_attempt_at = row.column_int(15);
  job.note = row.column_text(16);
  job.last_http_status = row.column_optional_int(17);
  job.last_outcome = optional_text(row, 18);
  job.updated_at = row.column_int(19);
  job.attempt_base = row.column_int(20);
  job.not_before = row.column_optional_int(21);
  job.expires_at = row.column_optional_int(22);
  return job;
}

namespace {

InFlightRecord in_flight(const Statement& row) {
  return {row.column_int(0), row.column_int(1), row.column_int(2), row.column_int(3),
          row.column_int(4)};
}

}  // namespace

Result<QueueSize> SqliteQueue::size() {
  try {
    Statement count(db_,
                    "SELECT (SELECT COUNT(*) FROM queue_settings), (SELECT COUNT(*) FROM batches), "
                    "(SELECT COUNT(*) FROM runs), (SELECT COUNT(*) FROM jobs), "
                    "(SELECT COUNT(*) FROM attempts), (SELECT COUNT(*) FROM in_flight), "
                    "(SELECT COUNT(*) FROM chain_checkpoints), "
                    "(SELECT COUNT(*) FROM paused_scopes)");
    count.step();
    return QueueSize{count.column_int(0), count.column_int(1), count.column_int(2),
                     count.column_int(3), count.column_int(4), count.column_int(5),
                     count.column_int(6), count.column_int(7)};
  } catch (const SqliteError& e) {
    return store_error(e, fmt::format("count the rows of {}", path_));
  }
}

Status SqliteQueue::copy_rows_to(RowSink& sink) {
  try {
    Transaction snapshot(db_, Transaction::Mode::kRead);
    Statement settings(db_, "SELECT name, value FROM queue_settings ORDER BY name");
    if (auto done = each_row(settings, sink, setting); !done) return done;
    Statement batches(db_, "SELECT id, created_at, description FROM batches ORDER BY id");
    if (auto done = each_row(batches, sink, read_batch_record); !done) return done;
    Statement runs(db_,
                   "SELECT id, started_at, ended_at, pid, options_json, summary_json, exit_code "
                   "FROM runs ORDER BY id");
    if (auto done = each_row(runs, sink, run); !done) return done;
    // jobs.run_id, claimed_at and lease_until are not read: NULL since schema 6 (in_flight).
    Statement jobs(db_, fmt::format("SELECT {} FROM jobs ORDER BY id", kJobRecordColumns));
    if (auto done = each_row(jobs, sink, read_job_record); !done) return done;

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

    Statement held(db_,
                   "SELECT job_id, run_id, attempt, claimed_at, lease_until FROM in_flight "
                   "ORDER BY job_id");
    if (auto done = each_row(held, sink, in_flight); !done) return done;

    auto paused = paused_scopes();  // a handful of rows
    if (!paused) return paused.error();
    for (const PausedScope& scope : *paused) {
      if (auto added = sink.add(scope); !added) return added;
    }
    return Ok{};
  } catch (const SqliteError& e) {
    return store_error(e, fmt::format("read the rows of {}", path_));
  }
}

}  // namespace oneall::store
