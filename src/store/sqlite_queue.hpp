// The queue in one SQLite file in WAL mode (docs/architecture.md#the-store-seam): the embedded
// default backend. Its parts are split by concern: sqlite_queue.cpp opens the file (pragmas,
// schema, statements), queue_import.cpp imports, queue_claim.cpp claims and finishes,
// queue_runs.cpp starts and ends runs, queue_read.cpp / queue_jobs.cpp / queue_pending.cpp read
// and change jobs for the commands, queue_copy.cpp / queue_copy_in.cpp read and write a whole
// queue for `copy`, wal_checkpointer.* copies the log back during a run.
#pragma once

#include <memory>
#include <string>

#include "store/queue.hpp"
#include "store/sqlite.hpp"

namespace oneall::store {

struct QueueStatements;

// Pages kept in memory per connection (negative: KiB). A bound, so memory does not grow with
// the queue; a large sort lowers it (sqlite_spill.hpp) and sets it back to this.
inline constexpr const char* kQueueCacheSize = "PRAGMA cache_size = -32768";

class SqliteQueue final : public Queue {
 public:
  // Opens (or creates, as `how` allows) the file at `path`, sets WAL mode, applies migrations.
  static Result<std::unique_ptr<SqliteQueue>> open(const std::string& path, const Clock& clock,
                                                   QueueOpen how = QueueOpen::kCreateIfMissing);

  SqliteQueue(std::string path, Database db, const Clock& clock, bool created_now);  // open()
  ~SqliteQueue() override;

  Result<std::unique_ptr<ImportSession>> begin_import(const std::string& description) override;
  Result<std::string> bind_api_root(const std::string& api_root) override;
  bool runs_at_once() const override { return false; }
  Result<std::int64_t> begin_run(const std::string& options_json, std::int64_t lease_ms) override;
  Status end_run(std::int64_t run_id, int exit_code, const std::string& summary_json) override;
  Status renew_leases(std::int64_t run_id, std::int64_t lease_ms) override;
  Result<SendWindow> reserve_sends(const std::string& scope, std::int64_t interval_us,
                                   int count) override;
  Status hold_sends(const std::string& scope, EpochMs until) override;
  Status release(std::int64_t job_id) override;
  Result<std::optional<EpochMs>> next_pending_at(
      std::optional<std::int64_t> batch = std::nullopt,
      std::optional<EpochMs> wait_until = std::nullopt) override;
  Result<bool> pause(std::optional<std::int64_t> batch, const std::string& by) override;
  Result<bool> resume(std::optional<std::int64_t> batch) override;
  Result<std::vector<PausedScope>> paused_scopes() override;
  Result<QueueStatus> status() override;
  Result<LatencySummary> latency(const AttemptScope& scope) override;
  Result<ReportAggregates> report_aggregates(std::optional<std::int64_t> batch) override;
  Result<std::vector<AttemptRow>> attempts(const AttemptFilter& filter) override;
  Status for_each_pending(std::optional<std::int64_t> batch,
                          const std::function<void(const PendingRequest&)>& each) override;
  Status for_each_job(const JobFilter& filter,
                      const std::function<void(const JobReportRow&)>& each) override;
  Result<StateCounts> count_jobs(const JobFilter& filter) override;
  Result<std::int64_t> retry_jobs(const JobFilter& filter) override;
  Result<std::int64_t> cancel_jobs(const JobFilter& filter) override;
  Result<bool> has_batch(std::int64_t batch_id) override;
  Result<bool> has_job(std::int64_t job_id) override;
  Status for_each_chained_attempt(const std::function<bool(const ChainedAttempt&)>& each) override;
  Result<std::optional<std::int64_t>> attempt_with_hash(const std::string& hash) override;
  Result<QueueSize> size() override;
  Status copy_rows_to(RowSink& sink) override;
  Result<std::unique_ptr<CopyInSession>> begin_copy_in() override;
  Result<std::unique_ptr<RunUpkeep>> start_run_upkeep() override;
  Result<std::vector<ChainCheckpoint>> chain_checkpoints() override;
  Result<PrunePlan> prune_rows_to(EpochMs before, RowSink& sink) override;
  Status commit_prune(const PrunePlan& plan, const std::string& archive) override;
  Result<std::string> reclaim_space() override;
  Status backup_to(const std::string& dest,
                   const std::function<void(std::int64_t, std::int64_t)>& progress) override;

  void interrupt() override;
  const std::string& path() const override { return path_; }
  bool created_now() const override { return created_now_; }
  // The connection itself, for inspection by the SQLite backend's own tests; not for changes.
  Database& database() { return db_; }

 private:
  Result<std::vector<ClaimedJob>> write_turn(std::span<const Completion> completions,
                                             std::int64_t run_id, std::size_t limit,
                                             std::int64_t lease_ms,
                                             std::optional<std::int64_t> batch) override;
  // The parts of write_turn, inside its transaction; SqliteError escapes. record_finished
  // returns an Error (and the caller rolls back) when a job is no longer held by the run.
  Status record_finished(std::span<const Completion> completions);
  std::vector<ClaimedJob> claim_rows(std::int64_t run_id, std::size_t limit, std::int64_t lease_ms,
                                     std::optional<std::int64_t> batch);

  // The attempt rows with after < id <= up_to, in id order, until `each` returns false.
  void walk_chained_attempts(std::int64_t after, std::int64_t up_to,
                             const std::function<bool(const ChainedAttempt&)>& each);

  std::string path_;
  bool created_now_ = false;
  Database db_;
  const Clock& clock_;
  std::unique_ptr<QueueStatements> statements_;  // declared after db_: finalized before it closes
};

}  // namespace oneall::store
