// SqliteQueue::begin_run, end_run and renew_leases: a run's row, and the leases that let the next
// run take back the jobs of a run whose process died (at once when its pid is gone, else when
// its lease runs out).
#include <fmt/format.h>
#include <unistd.h>

#include "store/queue_statements.hpp"
#include "store/sqlite_queue.hpp"
#include "util/this_host.hpp"

namespace oneall::store {

Result<std::int64_t> SqliteQueue::begin_run(const std::string& options_json,
                                            std::int64_t lease_ms) {
  try {
    const EpochMs now = clock_.now_ms();
    Transaction transaction(db_);
    statements_->insert_run.bind(1, now)
        .bind(2, static_cast<std::int64_t>(getpid()))
        .bind(3, options_json)
        .bind(4, now + lease_ms)
        .run();
    const std::int64_t run_id = db_.last_insert_rowid();

    // Jobs whose lease expired, or whose run's process is gone, belong to a process that died:
    // their attempt may or may not have reached the server. Close it in the audit log as
    // interrupted (under the run that made it) and queue the job again; its attempt count
    // keeps that attempt.
    std::vector<AttemptRecord> interrupted;
    Statement& select = statements_->running_jobs;
    while (select.step()) {
      const bool expired = select.column_optional_int(7).value_or(0) < now;
      const std::optional<std::int64_t> pid = select.column_optional_int(8);
      // A SQLite queue is on a local file system (WAL needs shared memory), so the pid is of
      // this machine. Our own pid is alive: runs of this very process (tests) are told apart
      // by their leases.
      const bool holder_gone = pid && !process_alive(*pid);
      if (!expired && !holder_gone) continue;
      AttemptRecord attempt;
      attempt.job_id = select.column_int(0);
      attempt.run_id = select.column_int(1);
      attempt.attempt = static_cast<int>(select.column_int(2));
      attempt.started_at = select.column_optional_int(3).value_or(now);
      attempt.ended_at = now;
      attempt.method = select.column_text(4);
      attempt.path = select.column_text(5);
      attempt.request_body = select.column_text(6);
      attempt.outcome = "interrupted";
      attempt.note = expired ? "lease expired" : fmt::format("its run's process ({}) died", *pid);
      interrupted.push_back(std::move(attempt));
    }
    select.reset();
    std::string chain_head = statements_->chain_head();
    for (const auto& attempt : interrupted) {
      statements_->record_attempt(attempt, chain_head);
      statements_->requeue_interrupted.bind(1, attempt.job_id)
          .bind(2, now)
          .bind(3, attempt.attempt)
          .run();
      statements_->release_job.bind(1, attempt.job_id).run();
    }
    transaction.commit();
    return run_id;
  } catch (const SqliteError& e) {
    return store_error(e, fmt::format("start a run in {}", path_));
  }
}

Result<std::string> SqliteQueue::bind_api_root(const std::string& api_root) {
  try {
    Transaction transaction(db_);
    Statement bind(db_,
                   "INSERT INTO queue_settings (name, value) VALUES ('api_root', ?1) "
                   "ON CONFLICT (name) DO NOTHING");
    bind.bind(1, api_root).run();
    Statement bound(db_, "SELECT value FROM queue_settings WHERE name = 'api_root'");
    std::string root = bound.step() ? bound.column_text(0) : api_root;
    transaction.commit();
    return root;
  } catch (const SqliteError& e) {
    return store_error(e, fmt::format("record the API root of {}", path_));
  }
}

Status SqliteQueue::end_run(std::int64_t run_id, int exit_code, const std::string& summary_json) {
  try {
    statements_->end_run.bind(1, run_id)
        .bind(2, clock_.now_ms())
        .bind(3, exit_code)
        .bind(4, summary_json)
        .run();
    return Ok{};
  } catch (const SqliteError& e) {
    return store_error(e, fmt::format("record the end of run {}", run_id));
  }
}

Status SqliteQueue::renew_leases(std::int64_t run_id, std::int64_t lease_ms) {
  try {
    const EpochMs now = clock_.now_ms();
    Transaction transaction(db_);
    statements_->renew_leases.bind(1, run_id).bind(2, now + lease_ms).run();
    statements_->heartbeat.bind(1, run_id).bind(2, now).bind(3, now + lease_ms).run();
    transaction.commit();
    return Ok{};
  } catch (const SqliteError& e) {
    return store_error(e, fmt::format("renew the leases of run {}", run_id));
  }
}

}  // namespace oneall::store
