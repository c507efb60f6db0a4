// The queue's one face (docs/architecture.md#the-store-seam): batches, jobs, runs and the
// attempt log, as the engine and the CLI see them, whatever holds them. Queue::open picks the
// backend from the location: a SQLite file (sqlite_queue.hpp) or a PostgreSQL database
// (pg_queue.hpp), and nothing above the store names a backend. Failures come back as Error values
// that say what the queue was doing; the engine's and the CLI's exit codes follow from them.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "api/action.hpp"
#include "store/attempt_stats.hpp"
#include "store/records.hpp"
#include "util/clock.hpp"
#include "util/result.hpp"

namespace oneall::store {

// Whether opening a queue may create it: only `import` and `run` do, so that a mistyped path
// given to a command that reads is an error rather than an empty queue.
enum class QueueOpen { kCreateIfMissing, kExistingOnly };

// Work a backend does beside a run for as long as this object lives (SQLite: copying its
// write-ahead log into the file on a thread of its own); destroying it stops the work.
class RunUpkeep {
 public:
  virtual ~RunUpkeep() = default;
};

class Queue {
 public:
  // Opens the queue at `location` (a SQLite file path, or a PostgreSQL URI: queue_location.hpp),
  // creating it as `how` allows, and brings its schema up to date.
  static Result<std::unique_ptr<Queue>> open(const std::string& location, const Clock& clock,
                                             QueueOpen how = QueueOpen::kCreateIfMissing);
  // Whether a queue is there (the file exists; the database holds our schema), without creating
  // anything. An Error when it cannot tell (a malformed URI, a server it cannot reach).
  static Result<bool> exists(const std::string& location);
  virtual ~Queue() = default;

  // ---- import: all-or-nothing. Add every record, then commit; destroying an ImportSession
  // without commit() rolls everything back. After a failed add() the session refuses further
  // adds and the commit. The session holds the write lock until it ends, so a run on the same
  // database waits (busy timeout) meanwhile; on SQLite, when no other process had the queue open
  // as it began, so does any command that opens it (store/sqlite_journal.hpp). A session must
  // not outlive its Queue.
  class ImportSession {
   public:
    virtual ~ImportSession() = default;
    // Adds jobs, in order, keyed already (keyed_job(), job_keys.hpp: import keys them on its
    // reading thread); a backend may write several in one statement. A job with a schedule
    // waits for its not_before (its next_attempt_at is set to it) and expires at expires_at;
    // the schedule is part of its job key when it has one.
    virtual Status add_all(std::span<const NewJob> jobs) = 0;
    // One job, keyed here: add_all of one.
    Status add(const api::Action& action, const api::HttpRequest& request,
               const std::string& source, const api::Schedule& schedule = {});
    virtual Result<ImportSummary> commit() = 0;
  };
  virtual Result<std::unique_ptr<ImportSession>> begin_import(const std::string& description) = 0;

  // ---- runs
  // The API root the queue is bound to: the first caller's `api_root` binds it (schema 7), and
  // every later call returns what it is bound to, so a run can refuse another root.
  virtual Result<std::string> bind_api_root(const std::string& api_root) = 0;

  // Whether several runs may work the queue at once (PostgreSQL). When false (SQLite), a run
  // must hold the queue alone: the caller takes the run lock (cli/run_lock.hpp) first.
  virtual bool runs_at_once() const = 0;

  // Records a new run, alive (status's live runs) until now + lease_ms unless renew_leases
  // vouches for it again, and reclaims jobs whose lease has expired or whose run's process is
  // gone: they return to pending and an "interrupted" attempt row closes their open attempt.
  virtual Result<std::int64_t> begin_run(const std::string& options_json,
                                         std::int64_t lease_ms) = 0;
  virtual Status end_run(std::int64_t run_id, int exit_code, const std::string& summary_json) = 0;

  // Claims up to `limit` runnable jobs for `run_id`: pending, due (next_attempt_at <= now), in
  // `batch` if given, not in a paused scope, not running, and with no earlier unfinished job on
  // the same object. They become running (a row in in_flight, schema 6) with a lease until
  // now + lease_ms; each ClaimedJob's attempt is the job's ended attempts plus one.
  Result<std::vector<ClaimedJob>> claim(std::int64_t run_id, std::size_t limit,
                                        std::int64_t lease_ms,
                                        std::optional<std::int64_t> batch = std::nullopt);

  // Extends the lease of the run's running jobs to now + lease_ms, and the run's own heartbeat
  // with them (call every third of a lease). Where runs_at_once(), claims also take back the
  // jobs of other runs whose lease ran out, so a runner that died or was cut off loses nothing.
  virtual Status renew_leases(std::int64_t run_id, std::int64_t lease_ms) = 0;

  // Writes each attempt row and moves each job (its attempt now counts), all in one
  // transaction: the runner commits the completions of one turn of its loop together. Refused,
  // writing nothing, unless every job is still running under its attempt's run_id (a lease may
  // have been taken over).
  Status finish(std::span<const Completion> completions);
  Status finish(const AttemptRecord& attempt, const JobTransition& transition);

  // finish(completions), then claim(run_id, limit, lease_ms, batch), in one transaction: the
  // runner's writer commits a turn's completions and claims the jobs for the slots they free
  // with one commit, and a finished job's successor on the same object is claimable at once.
  // All or nothing: if either part fails, neither is written. claim() and finish() are this
  // with no completions or no claim; every backend implements only write_turn (below).
  Result<std::vector<ClaimedJob>> finish_and_claim(std::span<const Completion> completions,
                                                   std::int64_t run_id, std::size_t limit,
                                                   std::int64_t lease_ms,
                                                   std::optional<std::int64_t> batch);

  // ---- rate limits shared by all the queue's runs (docs/cli.md#rate-limits)
  // Reserves `count` sends in `scope`, one every `interval_us`, after every send any run has
  // reserved there (the generic cell rate algorithm, its arrival time kept in the queue); the
  // first may start at the window's first_at, never before now.
  virtual Result<SendWindow> reserve_sends(const std::string& scope, std::int64_t interval_us,
                                           int count) = 0;
  // A 429 in `scope`: no run's reservation there starts before `until`.
  virtual Status hold_sends(const std::string& scope, EpochMs until) = 0;

  // A job claimed but not sent (stopping): no longer running, its attempt not counted. A job
  // that is not running is left as it is.
  virtual Status release(std::int64_t job_id) = 0;

  // Earliest next_attempt_at among pending jobs not running and not in a paused scope (in
  // `batch` if given); nullopt if none: jobs in a paused scope are no work left for a run.
  // Where runs_at_once(), also the lease end of jobs held by a run that missed its heartbeat
  // (outside paused scopes): they come back then, and a run waits for them rather than leave
  // them behind. Jobs scheduled later than `wait_until` (or now, if later or not given) are
  // left out: a run waits only for those due before its deadline
  // (docs/formats.md#scheduled-jobs).
  virtual Result<std::optional<EpochMs>> next_pending_at(
      std::optional<std::int64_t> batch = std::nullopt,
      std::optional<EpochMs> wait_until = std::nullopt) = 0;

  // ---- pause and resume (docs/cli.md#pause-and-resume)
  // Pauses `batch` (none: the whole queue): from the commit on, no claim of any run takes a job
  // in it. False when it was paused already (left as it was). The caller checks that the batch
  // exists (has_batch).
  virtual Result<bool> pause(std::optional<std::int64_t> batch, const std::string& by) = 0;
  // Undoes pause(batch); false when that scope was not paused. Resuming the queue does not
  // resume batches paused on their own.
  virtual Result<bool> resume(std::optional<std::int64_t> batch) = 0;
  // The paused scopes: the queue first, then batches by id.
  virtual Result<std::vector<PausedScope>> paused_scopes() = 0;

  // ---- reading
  virtual Result<QueueStatus> status() = 0;
  virtual Result<std::vector<AttemptRow>> attempts(const AttemptFilter& filter) = 0;
  // What the attempt log adds up to (attempt_stats.hpp), computed by the backend: reads only,
  // and never lists the rows. Request latency of the attempts in `scope` that got an HTTP answer.
  virtual Result<LatencySummary> latency(const AttemptScope& scope) = 0;
  // What `report --format html` draws, for the whole queue or one batch, from one snapshot.
  virtual Result<ReportAggregates> report_aggregates(std::optional<std::int64_t> batch) = 0;
  // Calls `each` for every pending job not in a paused scope (in `batch` if given) in id order,
  // the order runs claim them in (a retry not yet due comes when it is due). Reads only;
  // streams, so memory does not grow with the queue. Defined in queue_pending.cpp.
  virtual Status for_each_pending(std::optional<std::int64_t> batch,
                                  const std::function<void(const PendingRequest&)>& each) = 0;

  // Calls `each` for every job matching `filter`, in id (file) order. Streams. Defined in
  // queue_jobs.cpp, with the two changes below.
  virtual Status for_each_job(const JobFilter& filter,
                              const std::function<void(const JobReportRow&)>& each) = 0;
  // How many jobs match `filter`, by state (every state present, zero included): what
  // `retry --dry-run` and `cancel --dry-run` say.
  virtual Result<StateCounts> count_jobs(const JobFilter& filter) = 0;
  // `retry`: the jobs matching `filter` in retry_states(filter) (job_scope.hpp: failed and dead;
  // cancelled only when the filter's states name it) back to pending, due now, with a fresh set
  // of attempts (attempt_base); returns how many.
  virtual Result<std::int64_t> retry_jobs(const JobFilter& filter) = 0;
  // `cancel`: pending jobs matching `filter` become cancelled; returns how many. Jobs a run has
  // claimed (running) are not touched.
  virtual Result<std::int64_t> cancel_jobs(const JobFilter& filter) = 0;
  // Whether the queue holds this batch / this job: an id that is not there is a mistake to
  // report, not a filter that matches nothing.
  virtual Result<bool> has_batch(std::int64_t batch_id) = 0;
  virtual Result<bool> has_job(std::int64_t job_id) = 0;

  // Chain verification (`audit verify`, src/audit/chain_verify.*) reads the log through these.
  // Calls `each` for every attempt row in id order until it returns false.
  virtual Status for_each_chained_attempt(
      const std::function<bool(const ChainedAttempt&)>& each) = 0;
  // The id of the first attempt row whose row_hash is `hash`, if any (asked once, at a break).
  virtual Result<std::optional<std::int64_t>> attempt_with_hash(const std::string& hash) = 0;

  // ---- copy (`copy`, src/cli/cmd_copy.cpp): every row of one queue into another, as stored.
  // Rows come table by table in the order a RowSink takes them: settings, batches, runs, jobs,
  // chain checkpoints (where a pruned log goes on), attempts (in id order, so the log's links
  // come in chain order), in_flight, paused scopes; each table's
  // rows in key order. A sink's Error stops the walk and is returned as it is.
  class RowSink {
   public:
    virtual ~RowSink() = default;
    virtual Status add(const SettingRecord& row) = 0;
    virtual Status add(const BatchRecord& row) = 0;
    virtual Status add(const RunRecord& row) = 0;
    virtual Status add(const JobRecord& row) = 0;
    virtual Status add(const ChainCheckpoint& row) = 0;
    virtual Status add(const ChainedAttempt& row) = 0;
    virtual Status add(const InFlightRecord& row) = 0;
    virtual Status add(const PausedScope& row) = 0;
  };
  // How many rows each table holds.
  virtual Result<QueueSize> size() = 0;
  // Hands every row to `sink`, read in one snapshot. Streams: memory does not grow with the
  // queue. Writes nothing, takes no lock: keeping runs away meanwhile is the caller's business.
  virtual Status copy_rows_to(RowSink& sink) = 0;
  // Takes rows as copy_rows_to gives them and writes them as they are (ids, hashes and all; the
  // log is not hashed again), all in one transaction: commit() or nothing. Refused (an Error)
  // unless the queue holds no row at all; the session holds the queue's write lock until it
  // ends, so nothing is written beside it. After a failed add() it refuses further adds and the
  // commit. A session must not outlive its Queue.
  class CopyInSession : public RowSink {
   public:
    virtual Status commit() = 0;
  };
  virtual Result<std::unique_ptr<CopyInSession>> begin_copy_in() = 0;

  // ---- prune and backup (`prune`, `backup`: docs/cli.md#prune, docs/cli.md#backup)
  // Every prune so far, oldest first. The attempt log left in the queue chains from the last
  // one's end_hash (the genesis when there is none).
  virtual Result<std::vector<ChainCheckpoint>> chain_checkpoints() = 0;
  // From one snapshot, hands `sink` what a prune of jobs that last changed before `before` moves
  // out: the batches it empties, then the jobs, then the attempt rows (in id order), and returns
  // the plan. A job goes when it has ended (succeeded, failed, dead, cancelled), last changed
  // before `before`, no run holds it, and every attempt row of it lies in the log's pruned
  // prefix: the longest run of rows, from the last checkpoint on, that belong only to such jobs
  // and leave none of their rows behind. The newest row of the log always stays: the next row
  // written links to it. Reads only.
  virtual Result<PrunePlan> prune_rows_to(EpochMs before, RowSink& sink) = 0;
  // Deletes what `plan` found, in one transaction, and records its checkpoint (naming
  // `archive`). Refused, deleting nothing, unless the queue still holds exactly that: the last
  // checkpoint, the rows and the jobs (a `retry`, a run or another prune changed nothing).
  virtual Status commit_prune(const PrunePlan& plan, const std::string& archive) = 0;
  // Gives the space of deleted rows back, as the backend can; says what it did, for the user.
  virtual Result<std::string> reclaim_space() = 0;
  // Copies the queue, consistently, into a new file at `dest` while runs may go on writing,
  // calling `progress(copied, total)` between steps (pages). An Error for a backend that
  // cannot (PostgreSQL: its own tools and `copy` do it), or when `dest` exists.
  virtual Status backup_to(const std::string& dest,
                           const std::function<void(std::int64_t, std::int64_t)>& progress) = 0;

  // Starts what the backend does beside a run (RunUpkeep); the run holds it to its end.
  virtual Result<std::unique_ptr<RunUpkeep>> start_run_upkeep() = 0;

  // Makes a call in progress on another thread fail soon: a run whose leases are running out
  // while its database does not answer must stop without it (docs/cli.md#many-runners). On
  // PostgreSQL the connection is cut, so every later call fails too. Safe from any thread.
  virtual void interrupt() = 0;

  // Where the queue is, for messages: a file path, or a URI without its password.
  virtual const std::string& path() const = 0;
  // Whether open() created the queue just now (it holds no batch yet).
  virtual bool created_now() const = 0;

 protected:
  Queue() = default;
  Queue(const Queue&) = delete;
  Queue& operator=(const Queue&) = delete;

  // finish_and_claim's work in the backend's one transaction, once every completion has been
  // checked to leave its job somewhere else than running.
  virtual Result<std::vector<ClaimedJob>> write_turn(std::span<const Completion> completions,
                                                     std::int64_t run_id, std::size_t limit,
                                                     std::int64_t lease_ms,
                                                     std::optional<std::int64_t> batch) = 0;
};

}  // namespace oneall::store
