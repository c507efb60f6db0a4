// SqliteQueue's side of `prune` (docs/cli.md#prune, the rule in prune_cut.hpp): the checkpoints,
// the rows a prune moves out (read in one snapshot), their delete in one transaction, and
// VACUUM afterwards.
#include <fmt/format.h>

#include <functional>
#include <limits>

#include "store/attempt_chain.hpp"
#include "store/prune_cut.hpp"
#include "store/prune_steps.hpp"
#include "store/queue_statements.hpp"
#include "store/sqlite_queue.hpp"

namespace oneall::store {
namespace {

constexpr const char* kCheckpointColumns =
    "id, created_at, before_ms, start_hash, after_attempt_id, last_attempt_id, end_hash, "
    "attempts, jobs, batches, archive";

ChainCheckpoint read_checkpoint(const Statement& row) {
  return {row.column_int(0), row.column_int(1), row.column_int(2),  row.column_text(3),
          row.column_int(4), row.column_int(5), row.column_text(6), row.column_int(7),
          row.column_int(8), row.column_int(9), row.column_text(10)};
}

// The last checkpoint's end, where the log in the queue starts: (0, genesis) when none.
std::pair<std::int64_t, std::string> chain_start(Database& db) {
  Statement last(
      db, "SELECT last_attempt_id, end_hash FROM chain_checkpoints ORDER BY id DESC LIMIT 1");
  if (last.step()) return {last.column_int(0), last.column_text(1)};
  return {0, std::string(kChainGenesis)};
}

// Where the cut falls: the walk of prune_cut.hpp over the rows after the last checkpoint.
std::int64_t find_cut(Database& db, std::int64_t after, EpochMs before) {
  Statement newest(db, "SELECT COALESCE(MAX(id), 0) FROM attempts");
  newest.step();
  PruneCut cut(after, newest.column_int(0));
  Statement rows(db, fmt::format("SELECT a.id, {}, (SELECT MAX(b.id) FROM attempts AS b "
                                 "WHERE b.job_id = a.job_id) FROM attempts AS a "
                                 "JOIN jobs AS j ON j.id = a.job_id WHERE a.id > ?2 ORDER BY a.id",
                                 ended_job_sql("j", "?1")));
  rows.bind(1, before).bind(2, after);
  while (rows.step() && cut.add(rows.column_int(0), rows.column_int(1) != 0, rows.column_int(2))) {
  }
  return cut.last_id();
}

std::string batches_emptied_sql(std::string_view before, std::string_view last) {
  return fmt::format(
      "SELECT id, created_at, description FROM batches AS b WHERE EXISTS (SELECT 1 FROM jobs "
      "AS j WHERE j.batch_id = b.id) AND NOT EXISTS (SELECT 1 FROM jobs AS j WHERE j.batch_id = "
      "b.id AND NOT {}) ORDER BY id",
      prunable_job_sql("j", before, last));
}

}  // namespace

Result<std::vector<ChainCheckpoint>> SqliteQueue::chain_checkpoints() {
  try {
    std::vector<ChainCheckpoint> checkpoints;
    Statement rows(db_,
                   fmt::format("SELECT {} FROM chain_checkpoints ORDER BY id", kCheckpointColumns));
    while (rows.step()) checkpoints.push_back(read_checkpoint(rows));
    return checkpoints;
  } catch (const SqliteError& e) {
    return store_error(e, fmt::format("read the chain checkpoints of {}", path_));
  }
}

Result<PrunePlan> SqliteQueue::prune_rows_to(EpochMs before, RowSink& sink) {
  try {
    Transaction snapshot(db_, Transaction::Mode::kRead);
    PrunePlan plan;
    plan.before = before;
    std::tie(plan.after_attempt_id, plan.start_hash) = chain_start(db_);
    plan.last_attempt_id = find_cut(db_, plan.after_attempt_id, before);
    plan.end_hash = plan.start_hash;

    Statement batches(db_, batches_emptied_sql("?1", "?2"));
    batches.bind(1, before).bind(2, plan.last_attempt_id);
    while (batches.step()) {
      if (auto added = sink.add(read_batch_record(batches)); !added) return added.error();
      ++plan.batches;
    }
    Statement jobs(db_, fmt::format("SELECT {} FROM jobs AS j WHERE {} ORDER BY id",
                                    kJobRecordColumns, prunable_job_sql("j", "?1", "?2")));
    jobs.bind(1, before).bind(2, plan.last_attempt_id);
    while (jobs.step()) {
      JobRecord job = read_job_record(jobs);
      if (auto added = sink.add(job); !added) return added.error();
      ++plan.jobs;
      plan.job_id_sum += job.id;
    }
    PrunedAttempts pruned(plan, sink);
    walk_chained_attempts(plan.after_attempt_id, plan.last_attempt_id, std::ref(pruned));
    if (!pruned.status()) return pruned.status().error();
    return plan;
  } catch (const SqliteError& e) {
    return store_error(e, fmt::format("read what to prune from {}", path_));
  }
}

Status SqliteQueue::commit_prune(const PrunePlan& plan, const std::string& archive) {
  const auto changed = [&](std::string_view what) { return prune_changed(path_, what); };
  try {
    Transaction transaction(db_);
    if (chain_start(db_) != std::pair{plan.after_attempt_id, plan.start_hash}) {
      return changed("the last chain checkpoint (another prune ran)");
    }
    Statement rows(db_,
                   "SELECT COUNT(*), (SELECT row_hash FROM attempts WHERE id = ?2) FROM attempts "
                   "WHERE id > ?1 AND id <= ?2");
    rows.bind(1, plan.after_attempt_id).bind(2, plan.last_attempt_id);
    rows.step();
    const bool same_rows = rows.column_int(0) == plan.attempts &&
                           (plan.attempts == 0 || rows.column_text(1) == plan.end_hash);
    rows.reset();
    if (!same_rows) return changed("the attempt log");
    Statement delete_rows(db_, "DELETE FROM attempts WHERE id > ?1 AND id <= ?2");
    delete_rows.bind(1, plan.after_attempt_id).bind(2, plan.last_attempt_id).run();

    Statement delete_jobs(db_, fmt::format("DELETE FROM jobs AS j WHERE {} RETURNING id",
                                           prunable_job_sql("j", "?1", "?2")));
    delete_jobs.bind(1, plan.before).bind(2, plan.last_attempt_id);
    std::int64_t jobs = 0;
    std::int64_t job_id_sum = 0;
    while (delete_jobs.step()) {
      ++jobs;
      job_id_sum += delete_jobs.column_int(0);
    }
    delete_jobs.reset();
    if (jobs != plan.jobs || job_id_sum != plan.job_id_sum) return changed("the jobs to prune");
    // Their keys go with them (schema 9's job_keys has no foreign key to jobs): a pruned job is
    // forgotten, and importing it again queues it again, as on PostgreSQL.
    if (jobs > 0) {
      db_.exec("DELETE FROM job_keys WHERE job_id NOT IN (SELECT id FROM jobs)");
    }
    // An import never leaves a batch without jobs, so a batch without any is one this prune
    // emptied (and archived).
    db_.exec(
        "DELETE FROM batches WHERE NOT EXISTS (SELECT 1 FROM jobs WHERE batch_id = "
        "batches.id)");

    Statement checkpoint(db_,
                         "INSERT INTO chain_checkpoints (created_at, before_ms, start_hash, "
                         "after_attempt_id, last_attempt_id, end_hash, attempts, jobs, batches, "
                         "archive) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    checkpoint.bind(1, clock_.now_ms())
        .bind(2, plan.before)
        .bind(3, plan.start_hash)
        .bind(4, plan.after_attempt_id)
        .bind(5, plan.last_attempt_id)
        .bind(6, plan.end_hash)
        .bind(7, plan.attempts)
        .bind(8, plan.jobs)
        .bind(9, plan.batches)
        .bind(10, archive)
        .run();
    transaction.commit();
    return Ok{};
  } catch (const SqliteError& e) {
    return store_error(e, fmt::format("delete the pruned rows from {}", path_),
                       "nothing was deleted");
  }
}

// VACUUM rather than incremental vacuum: queues are created with auto_vacuum off, and turning
// it on takes a VACUUM anyway; a prune is rare (cron, monthly) and holds the run lock, so the
// rewrite blocks no run, and it also leaves the file unfragmented. It needs free disk space
// about the size of what the queue keeps. In WAL mode the rewritten pages go through the log;
// the TRUNCATE checkpoint copies them into the file and cuts the file and the log to size.
Result<std::string> SqliteQueue::reclaim_space() {
  try {
    db_.exec("VACUUM");
    db_.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    return std::string("VACUUM");
  } catch (const SqliteError& e) {
    return store_error(e, fmt::format("VACUUM {} after the prune", path_),
                       "the pruned rows are gone, but the file keeps their space until a later "
                       "prune's VACUUM succeeds");
  }
}

}  // namespace oneall::store
