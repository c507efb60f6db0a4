// The queue (docs/cli.md#job-states): one SQLite file in WAL mode holding batches, jobs, runs and
// attempts. Everything the engine and the CLI know about work lives here; this class is the
// only way in. Failures come back as Error values that say what the queue was doing.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "api/action.hpp"
#include "store/records.hpp"
#include "store/sqlite.hpp"
#include "util/clock.hpp"
#include "util/result.hpp"

namespace oneall::store {

struct QueueStatements;

// Whether opening a queue may create it: only `import` and `run` do, so that a mistyped path
// given to a command that reads is an error rather than an empty queue.
enum class QueueOpen { kCreateIfMissing, kExistingOnly };

class Queue {
 public:
  // Opens (or creates, as `how` allows) the database, sets WAL mode, applies migrations.
  static Result<std::unique_ptr<Queue>> open(const std::string& path, const Clock& clock,
                                             QueueOpen how = QueueOpen::kCreateIfMissing);

  // ---- import: all-or-nothing. Add every record, then commit; destroying an ImportSession
  // without commit() rolls everything back. After a failed add() the session refuses further
  // adds and the commit. The session holds the write lock until it ends, so a run on the same
  // database waits (busy timeout) meanwhile. A session must not outlive its Queue.
  class ImportSession {
   public:
    struct State;                                          // defined in queue_import.cpp
    explicit ImportSession(std::unique_ptr<State> state);  // made by begin_import()
    ~ImportSession();
    ImportSession(const ImportSession&) = delete;
    ImportSession& operator=(const ImportSession&) = delete;
    Status add(const api::Action& action, const api::HttpRequest& request,
               const std::string& source);
    Result<ImportSummary> commit();

   private:
    std::unique_ptr<State> state_;
  };
  Result<std::unique_ptr<ImportSession>> begin_import(const std::string& description);

  // ---- runs
  // The API root the queue is bound to: the first caller's `api_root` binds it (schema 7), and
  // every later call returns what it is bound to, so a run can refuse another root.
  Result<std::string> bind_api_root(const std::string& api_root);

  // Records a new run and reclaims jobs whose lease has expired (their process died): they
  // return to pending and an "interrupted" attempt row closes their open attempt.
  Result<std::int64_t> begin_run(const std::string& options_json);
  Status end_run(std::int64_t run_id, int exit_code, const std::string& summary_json);

  // Claims up to `limit` runnable jobs for `run_id`: pending, due (next_attempt_at <= now), in
  // `batch` if given, not running, and with no earlier unfinished job on the same object. They
  // become running (a row in in_flight, schema 6) with a lease until now + lease_ms; each
  // ClaimedJob's attempt is the job's ended attempts plus one.
  Result<std::vector<ClaimedJob>> claim(std::int64_t run_id, std::size_t limit,
                                        std::int64_t lease_ms,
                                        std::optional<std::int64_t> batch = std::nullopt);

  // Extends the lease of the run's running jobs (call every few seconds on long runs).
  Status renew_leases(std::int64_t run_id, std::int64_t lease_ms);

  // Writes each attempt row and moves each job (its attempt now counts), all in one
  // transaction: the runner commits the completions of one turn of its loop together. Refused,
  // writing nothing, unless every job is still running under its attempt's run_id (a lease may
  // have been taken over).
  Status finish(std::span<const Completion> completions);
  Status finish(const AttemptRecord& attempt, const JobTransition& transition);

  // finish(completions), then claim(run_id, limit, lease_ms, batch), in one transaction: the
  // runner's writer commits a turn's completions and claims the jobs for the slots they free
  // with one commit, and a finished job's successor on the same object is claimable at once.
  // All or nothing: if either part fails, neither is written.
  Result<std::vector<ClaimedJob>> finish_and_claim(std::span<const Completion> completions,
                                                   std::int64_t run_id, std::size_t limit,
                                                   std::int64_t lease_ms,
                                                   std::optional<std::int64_t> batch);

  // A job claimed but not sent (stopping): no longer running, its attempt not counted. A job
  // that is not running is left as it is.
  Status release(std::int64_t job_id);

  // Earliest next_attempt_at among pending jobs not running (in `batch` if given); nullopt if
  // none.
  Result<std::optional<EpochMs>> next_pending_at(std::optional<std::int64_t> batch = std::nullopt);

  // ---- reading
  Result<QueueStatus> status();
  Result<std::vector<AttemptRow>> attempts(const AttemptFilter& filter);
  // Calls `each` for every pending job (in `batch` if given) in id order, the order runs claim
  // them in (a retry not yet due comes when it is due). Reads only; streams, so memory does not
  // grow with the queue. Defined in queue_pending.cpp.
  Status for_each_pending(std::optional<std::int64_t> batch,
                          const std::function<void(const PendingRequest&)>& each);

  // Calls `each` for every job matching `filter`, in id (file) order. Streams. Defined in
  // queue_jobs.cpp, with the two changes below.
  Status for_each_job(const JobFilter& filter,
                      const std::function<void(const JobReportRow&)>& each);
  // `retry`: failed and dead jobs matching `filter` back to pending, due now, with a fresh set of
  // attempts (attempt_base); returns how many. A state filter other than failed/dead matches none.
  Result<std::int64_t> retry_jobs(const JobFilter& filter);
  // `cancel`: pending jobs matching `filter` become cancelled; returns how many. Jobs a run has
  // claimed (running) are not touched.
  Result<std::int64_t> cancel_jobs(const JobFilter& filter);

  const std::string& path() const { return path_; }
  // Whether open() created the database file just now (it holds no batch yet).
  bool created_now() const { return created_now_; }
  // The connection itself, for inspection (tests, `audit verify`); not for queue changes.
  Database& database() { return db_; }

  Queue(std::string path, Database db, const Clock& clock, bool created_now = false);  // open()
  ~Queue();
  Queue(const Queue&) = delete;
  Queue& operator=(const Queue&) = delete;

 private:
  // The parts of finish_and_claim, inside its transaction; SqliteError escapes. record_finished
  // returns an Error (and the caller rolls back) when a job is no longer held by the run.
  Status record_finished(std::span<const Completion> completions);
  std::vector<ClaimedJob> claim_rows(std::int64_t run_id, std::size_t limit, std::int64_t lease_ms,
                                     std::optional<std::int64_t> batch);

  std::string path_;
  bool created_now_ = false;
  Database db_;
  const Clock& clock_;
  std::unique_ptr<QueueStatements> statements_;  // declared after db_: finalized before it closes
};

}  // namespace oneall::store
