// The queue in a PostgreSQL database (docs/architecture.md#the-store-seam), for a queue that
// must outlive one host. The same observable behaviour as SqliteQueue, split by concern the
// same way: pg_queue.cpp opens it (connection, schema) and holds the helpers its parts share,
// pg_queue_import.cpp imports, pg_queue_claim.cpp claims and finishes, pg_queue_runs.cpp starts
// and ends runs, pg_queue_read.cpp / pg_queue_jobs.cpp read and change jobs for the commands,
// pg_queue_copy.cpp / pg_queue_copy_in.cpp read and write a whole queue for `copy`.
// One connection per queue; path() is the URI without its password.
#pragma once

#include <memory>
#include <span>
#include <string>

#include "store/pg.hpp"
#include "store/queue.hpp"

namespace oneall::store {

class PgQueue final : public Queue {
 public:
  // Connects to `uri` and brings the schema up to date (creating it when `how` allows; with
  // kExistingOnly a database without our schema is an error saying no queue is there).
  // `shown` is the URI as messages may show it (no password).
  static Result<std::unique_ptr<PgQueue>> open(const std::string& uri, const std::string& shown,
                                               const Clock& clock,
                                               QueueOpen how = QueueOpen::kCreateIfMissing);
  // Whether the database at `uri` holds a queue; an Error when it cannot be reached.
  static Result<bool> exists(const std::string& uri);

  PgQueue(std::string shown, PgConnection connection, const Clock& clock, bool created_now);
  ~PgQueue() override;

  Result<std::unique_ptr<ImportSession>> begin_import(const std::string& description) override;
  Result<std::string> bind_api_root(const std::string& api_root) override;
  bool runs_at_once() const override { return true; }
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

  void interrupt() override { connection_.sever(); }
  const std::string& path() const override { return shown_; }
  bool created_now() const override { return created_now_; }
  // The connection itself, for inspection by the backend's own tests; not for changes.
  PgConnection& connection() { return connection_; }

 private:
  Result<std::vector<ClaimedJob>> write_turn(std::span<const Completion> completions,
                                             std::int64_t run_id, std::size_t limit,
                                             std::int64_t lease_ms,
                                             std::optional<std::int64_t> batch) override;
  // The parts of write_turn and begin_run, inside their transaction; PgError escapes.
  Status record_finished(std::span<const Completion> completions);
  Status release_finished(std::span<const Completion> chunk);
  Status move_finished_jobs(std::span<const Completion> chunk);
  enum class OrphanCheck { kExpired, kExpiredOrDeadHere };
  void take_back_orphans(EpochMs now, OrphanCheck check);
  std::vector<ClaimedJob> claim_rows(std::int64_t run_id, std::size_t limit, std::int64_t lease_ms,
                                     std::optional<std::int64_t> batch);

  // The attempt rows with after < id <= up_to, in id order, until `each` returns false.
  void walk_chained_attempts(std::int64_t after, std::int64_t up_to,
                             const std::function<bool(const ChainedAttempt&)>& each);

  std::string shown_;
  bool created_now_ = false;
  PgConnection connection_;
  const Clock& clock_;
};

// ---- shared by the pg_queue_*.cpp files (internal to src/store/)

// The one way a PostgreSQL failure becomes the Error a command shows: "cannot DOING: " the
// server's first line, then "; CONSEQUENCE" when given.
Error pg_store_error(const PgError& error, std::string_view doing,
                     std::string_view consequence = {});

// BYTEA as a text parameter ("\x" and hex digits) and back from a text-format result.
std::string bytea_param(std::string_view bytes);
std::string bytea_value(const PgRows& rows, int row, int column);

// The audit chain on PostgreSQL: locks the chain's head (chain_head FOR UPDATE) for the rest of
// the transaction, so appends of concurrent writers are serialised, and returns the last row's
// id and hash (0 and the genesis hash for an empty log).
struct PgChainTail {
  std::int64_t id = 0;
  std::string hash;
};
PgChainTail lock_chain_tail(PgConnection& connection);
// A job's or a batch's row as stored, from a select of kPgJobRecordColumns or of "id,
// created_at, description" (pg_queue_copy.cpp; `copy` and `prune` read rows with them).
inline constexpr const char* kPgJobRecordColumns =
    "id, batch_id, job_key, object_hash, source, op, target, identity, page_id, object_id, "
    "method, path, body, state, attempts, next_attempt_at, note, last_http_status, last_outcome, "
    "updated_at, attempt_base, not_before, expires_at";
JobRecord pg_job_record(const PgRows& rows, int i);
BatchRecord pg_batch_record(const PgRows& rows, int i);

// Appends one attempt row after `tail`, hashed as SQLite would hash it (attempt_chain.hpp), and
// moves `tail` to it.
void append_attempt(PgConnection& connection, const AttemptRecord& attempt, PgChainTail& tail);
// The same for many rows, in order, with one statement.
void append_attempts(PgConnection& connection, std::span<const AttemptRecord* const> attempts,
                     PgChainTail& tail);

}  // namespace oneall::store
