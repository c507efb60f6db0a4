// PgQueue's side of `prune` (docs/cli.md#prune, the rule in prune_cut.hpp) and `backup`: the
// checkpoints, the rows a prune moves out (read in one REPEATABLE READ snapshot, a page at a
// time), and their delete in one transaction that holds the chain's head, so no run appends to
// the log meanwhile. Deleted rows' space is PostgreSQL's to reuse once autovacuum has passed.
#include <fmt/format.h>

#include <functional>

#include "store/attempt_chain.hpp"
#include "store/pg_queue.hpp"
#include "store/prune_cut.hpp"
#include "store/prune_steps.hpp"

namespace oneall::store {
namespace {

constexpr int kPageRows = 1000;

constexpr const char* kCheckpointColumns =
    "id, created_at, before_ms, start_hash, after_attempt_id, last_attempt_id, end_hash, "
    "attempts, jobs, batches, archive";

ChainCheckpoint read_checkpoint(const PgRows& rows, int i) {
  return {rows.integer(i, 0), rows.integer(i, 1), rows.integer(i, 2), rows.text(i, 3),
          rows.integer(i, 4), rows.integer(i, 5), rows.text(i, 6),    rows.integer(i, 7),
          rows.integer(i, 8), rows.integer(i, 9), rows.text(i, 10)};
}

std::pair<std::int64_t, std::string> chain_start(PgConnection& connection) {
  PgRows last = connection.query(
      "SELECT last_attempt_id, end_hash FROM chain_checkpoints ORDER BY id DESC LIMIT 1");
  if (last.size() == 0) return {0, std::string(kChainGenesis)};
  return {last.integer(0, 0), last.text(0, 1)};
}

std::int64_t find_cut(PgConnection& connection, std::int64_t after, EpochMs before) {
  PruneCut cut(after, connection.query("SELECT COALESCE(MAX(id), 0) FROM attempts").integer(0, 0));
  const std::string select = fmt::format(
      "SELECT a.id, {}, (SELECT MAX(b.id) FROM attempts AS b WHERE b.job_id = a.job_id) "
      "FROM attempts AS a JOIN jobs AS j ON j.id = a.job_id WHERE a.id > $2 ORDER BY a.id "
      "LIMIT {}",
      ended_job_sql("j", "$1"), kPageRows);
  for (std::int64_t walked = after;;) {
    PgRows rows = connection.query(select, {before, walked});
    for (int i = 0; i < rows.size(); ++i) {
      if (!cut.add(rows.integer(i, 0), rows.text(i, 1) == "t", rows.integer(i, 2))) {
        return cut.last_id();
      }
      walked = rows.integer(i, 0);
    }
    if (rows.size() < kPageRows) return cut.last_id();
  }
}

}  // namespace

Result<std::vector<ChainCheckpoint>> PgQueue::chain_checkpoints() {
  try {
    PgRows rows = connection_.query(
        fmt::format("SELECT {} FROM chain_checkpoints ORDER BY id", kCheckpointColumns));
    std::vector<ChainCheckpoint> checkpoints;
    for (int i = 0; i < rows.size(); ++i) checkpoints.push_back(read_checkpoint(rows, i));
    return checkpoints;
  } catch (const PgError& e) {
    return pg_store_error(e, fmt::format("read the chain checkpoints of {}", shown_));
  }
}

Result<PrunePlan> PgQueue::prune_rows_to(EpochMs before, RowSink& sink) {
  try {
    PgTransaction snapshot(connection_);
    connection_.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    PrunePlan plan;
    plan.before = before;
    std::tie(plan.after_attempt_id, plan.start_hash) = chain_start(connection_);
    plan.last_attempt_id = find_cut(connection_, plan.after_attempt_id, before);
    plan.end_hash = plan.start_hash;

    PgRows batches = connection_.query(
        fmt::format("SELECT id, created_at, description FROM batches AS b WHERE EXISTS (SELECT 1 "
                    "FROM jobs AS j WHERE j.batch_id = b.id) AND NOT EXISTS (SELECT 1 FROM jobs "
                    "AS j WHERE j.batch_id = b.id AND NOT {}) ORDER BY id",
                    prunable_job_sql("j", "$1", "$2")),
        {before, plan.last_attempt_id});
    for (int i = 0; i < batches.size(); ++i) {
      if (auto added = sink.add(pg_batch_record(batches, i)); !added) return added.error();
      ++plan.batches;
    }
    const std::string jobs_select =
        fmt::format("SELECT {} FROM jobs AS j WHERE {} AND j.id > $3 ORDER BY id LIMIT {}",
                    kPgJobRecordColumns, prunable_job_sql("j", "$1", "$2"), kPageRows);
    for (std::int64_t after_job = 0;;) {
      PgRows jobs = connection_.query(jobs_select, {before, plan.last_attempt_id, after_job});
      for (int i = 0; i < jobs.size(); ++i) {
        JobRecord job = pg_job_record(jobs, i);
        if (auto added = sink.add(job); !added) return added.error();
        ++plan.jobs;
        plan.job_id_sum += job.id;
        after_job = job.id;
      }
      if (jobs.size() < kPageRows) break;
    }
    PrunedAttempts pruned(plan, sink);
    walk_chained_attempts(plan.after_attempt_id, plan.last_attempt_id, std::ref(pruned));
    if (!pruned.status()) return pruned.status().error();
    return plan;
  } catch (const PgError& e) {
    return pg_store_error(e, fmt::format("read what to prune from {}", shown_));
  }
}

Status PgQueue::commit_prune(const PrunePlan& plan, const std::string& archive) {
  const auto changed = [&](std::string_view what) { return prune_changed(shown_, what); };
  try {
    PgTransaction transaction(connection_);
    lock_chain_tail(connection_);  // no run appends to the log, no other prune, until the end
    if (chain_start(connection_) != std::pair{plan.after_attempt_id, plan.start_hash}) {
      return changed("the last chain checkpoint (another prune ran)");
    }
    PgRows rows = connection_.query(
        "SELECT COUNT(*), (SELECT row_hash FROM attempts WHERE id = $2) FROM attempts "
        "WHERE id > $1 AND id <= $2",
        {plan.after_attempt_id, plan.last_attempt_id});
    if (rows.integer(0, 0) != plan.attempts ||
        (plan.attempts > 0 && rows.text(0, 1) != plan.end_hash)) {
      return changed("the attempt log");
    }
    connection_.query("DELETE FROM attempts WHERE id > $1 AND id <= $2",
                      {plan.after_attempt_id, plan.last_attempt_id});
    PgRows jobs =
        connection_.query(fmt::format("WITH gone AS (DELETE FROM jobs AS j WHERE {} RETURNING id) "
                                      "SELECT COUNT(*), COALESCE(SUM(id), 0) FROM gone",
                                      prunable_job_sql("j", "$1", "$2")),
                          {plan.before, plan.last_attempt_id});
    if (jobs.integer(0, 0) != plan.jobs || jobs.integer(0, 1) != plan.job_id_sum) {
      return changed("the jobs to prune");
    }
    // An import never leaves a batch without jobs: one without any was emptied (and archived)
    // by this prune.
    connection_.exec(
        "DELETE FROM batches WHERE NOT EXISTS (SELECT 1 FROM jobs WHERE batch_id = batches.id)");
    connection_.query(
        "INSERT INTO chain_checkpoints (id, created_at, before_ms, start_hash, after_attempt_id, "
        "last_attempt_id, end_hash, attempts, jobs, batches, archive) "
        "SELECT COALESCE(MAX(id), 0) + 1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 "
        "FROM chain_checkpoints",
        {clock_.now_ms(), plan.before, plan.start_hash, plan.after_attempt_id, plan.last_attempt_id,
         plan.end_hash, plan.attempts, plan.jobs, plan.batches, archive});
    transaction.commit();
    return Ok{};
  } catch (const PgError& e) {
    return pg_store_error(e, fmt::format("delete the pruned rows from {}", shown_),
                          "nothing was deleted");
  }
}

// Plain DELETE: autovacuum marks the rows' space free for the tables to reuse, without the
// exclusive lock VACUUM FULL would hold against runs; the files do not shrink.
Result<std::string> PgQueue::reclaim_space() { return std::string("autovacuum"); }

Status PgQueue::backup_to(const std::string&,
                          const std::function<void(std::int64_t, std::int64_t)>&) {
  return Error{fmt::format(
      "backup copies a SQLite queue file; {} is a PostgreSQL database: take a snapshot of it "
      "into a SQLite file with `oneall-bulk copy URI FILE`, or back the database up with "
      "pg_dump",
      shown_)};
}

}  // namespace oneall::store
