// The records the queue takes and gives: what an import reports, a claimed job, an attempt row,
// a job's transition, the counts and rows that status, report and audit read. Kept apart from
// the Queue class that stores them, so a file that needs a record (the audit chain, the
// exporters, the engine's classification) does not depend on the whole store.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/action.hpp"
#include "store/job_state.hpp"
#include "util/clock.hpp"

namespace oneall::store {

struct ImportSummary {
  std::int64_t batch_id = 0;  // 0 when nothing was new: no batch row is kept for such an import
  std::int64_t new_jobs = 0;
  std::int64_t duplicates = 0;  // already queued (same job key), in this or an earlier batch
  // The duplicates by the state their queued job is in now ('running' for one in flight), so
  // that an import can say that some were cancelled or have already succeeded.
  std::map<JobState, std::int64_t> duplicates_by_state;
};

// A job to import, as Queue::ImportSession::add_all takes it: what it does, when, its rendered
// request, the file:line it came from, and its two keys (job_keys.hpp), worked out by
// keyed_job() or set_keys() on whichever thread makes it.
struct NewJob {
  api::Action action;
  api::Schedule schedule;
  api::HttpRequest request;
  std::string source;
  std::string key;               // stored_job_key()
  std::int64_t object_hash = 0;  // object_hash() of its object
};

// A job handed to a run: everything needed to send it, nothing needed to re-read the file.
struct ClaimedJob {
  std::int64_t job_id = 0;
  std::int64_t batch_id = 0;
  int attempt = 0;       // number of this attempt, 1-based, over the job's whole life
  int attempt_base = 0;  // attempts used before the last `retry`: --max-attempts counts from here
  api::Op op = api::Op::kDelete;
  std::string method;
  std::string path;
  std::string body;
  std::string source;    // "file:line" it was imported from
  std::string identity;  // the identity token: the scope of --identity-rate
};

// One row of the attempt log (docs/formats.md#output-formats). Credentials never appear here.
struct AttemptRecord {
  std::int64_t run_id = 0;
  std::int64_t job_id = 0;
  int attempt = 0;
  EpochMs started_at = 0;
  EpochMs ended_at = 0;
  std::string method;
  std::string path;
  std::string request_body;
  int http_status = 0;      // 0 when no HTTP answer arrived
  std::string curl_error;   // empty when the transfer completed
  std::string retry_after;  // the header as received, empty if absent
  std::string api_flag;
  std::optional<int> api_code;
  std::string api_info;
  std::string response_body;  // capped
  bool response_truncated = false;
  // Times the request went out in this attempt: 0 never sent; more than 1 when libcurl sent it
  // again on a fresh connection after a reused one closed unanswered.
  int requests_sent = 1;
  std::string outcome;  // "succeeded" | "failed" | "retry" | "dead" | "interrupted"
  std::string note;     // e.g. "already_gone"
};

// Where a finished attempt leaves its job.
struct JobTransition {
  JobState state = JobState::kPending;
  EpochMs next_attempt_at = 0;  // for kPending: not before this time
  std::string note;
};

struct Completion {
  AttemptRecord attempt;
  JobTransition transition;
};

struct BatchCounts {
  std::int64_t batch_id = 0;
  std::string description;
  EpochMs created_at = 0;
  std::map<JobState, std::int64_t> by_state;
  // Of the pending jobs, those waiting for their not_before (docs/formats.md#scheduled-jobs),
  // and the earliest such time. Not work left for now: a run does not wait for them.
  std::int64_t scheduled = 0;
  std::optional<EpochMs> next_scheduled_at{};
};

struct RunRow {
  std::int64_t run_id = 0;
  EpochMs started_at = 0;
  std::optional<EpochMs> ended_at;
  std::optional<int> exit_code;
  std::int64_t attempts = 0;
};

// Sends reserved in the queue's shared rate budget (Queue::reserve_sends): `count` sends, the
// first at `first_at_us`, then one every `interval_us` (microseconds: a rate's interval is
// rarely a whole number of milliseconds).
struct SendWindow {
  std::string scope;
  std::int64_t first_at_us = 0;  // since the Unix epoch
  std::int64_t interval_us = 0;
  int count = 0;
};

// A run working the queue now: not ended, and its last heartbeat still vouches for it.
struct LiveRun {
  std::int64_t run_id = 0;
  std::string host;
  std::int64_t pid = 0;
  EpochMs started_at = 0;
  EpochMs heartbeat_at = 0;
};

// A scope no run claims from (`pause`, docs/cli.md#pause-and-resume): the whole queue, or one
// batch. Also what `copy` moves of the paused_scopes table (schema 12), one row each.
struct PausedScope {
  std::optional<std::int64_t> batch_id;  // none: the whole queue
  EpochMs paused_at = 0;
  std::string paused_by{};  // user@host of the `pause`

  // 'queue' or 'batch:N', as the table, status and the metrics name it.
  std::string scope() const {
    return batch_id ? "batch:" + std::to_string(*batch_id) : std::string("queue");
  }
};

struct QueueStatus {
  std::map<JobState, std::int64_t> by_state;  // every state present, zero included
  std::vector<BatchCounts> batches;
  std::optional<RunRow> last_run;          // the run started last, ended or not
  std::optional<RunRow> last_ended_run;    // the run that ended last
  std::optional<EpochMs> last_success_at;  // when a run last ended with exit 0
  // Since when the longest-waiting due pending job (not in flight) has been runnable: its
  // next_attempt_at, or its last change if that is later (its import, a `retry`). None when no
  // job is due.
  std::optional<EpochMs> oldest_due_since;
  std::vector<LiveRun> live_runs;       // in run id order
  std::optional<std::string> api_root;  // what the queue is bound to; none before its first run
  // Of the pending jobs, those whose not_before is still ahead, and the earliest not_before.
  std::int64_t scheduled = 0;
  std::optional<EpochMs> next_scheduled_at{};
  std::vector<PausedScope> paused;  // the queue first, then batches by id
};

// One stored value as SQLite holds it: its storage class (typeof(): "null", "integer", "real",
// "text", "blob") and its text form. The class is hashed too, so 200 and '200' differ.
struct ChainValue {
  std::string type;
  std::string text;
};

// One attempt row as chain verification reads it: its place, its links and its hashed values.
struct ChainedAttempt {
  std::int64_t id = 0;
  std::int64_t job_id = 0;
  std::optional<std::string> prev_hash;  // none: the row was written around oneall-bulk
  std::optional<std::string> row_hash;
  std::vector<ChainValue> values;  // attempt_chain.hpp's kChainedColumns, in that order
};

struct AttemptRow : AttemptRecord {
  std::int64_t id = 0;
};

// A pending job as `run --dry-run` shows it: the request that would be sent.
struct PendingRequest {
  std::int64_t job_id = 0;
  std::int64_t batch_id = 0;
  std::string method;
  std::string path;
  std::string body;
  std::string source;           // "file:line" it was imported from
  EpochMs next_attempt_at = 0;  // a retry waits until then
};

// HTTP statuses from `first` to `last`, both included: one code (404..404) or a class
// (500..599), as `--http-status` gives them.
struct HttpStatusRange {
  int first = 0;
  int last = 0;
  bool operator==(const HttpStatusRange&) const = default;
};

// Which jobs `report`, `retry` and `cancel` act on (docs/cli.md#choosing-jobs); every field
// given must match. Written as SQL once for both backends (job_filter_sql.hpp).
struct JobFilter {
  std::optional<std::int64_t> batch_id;
  std::vector<JobState> states;  // any of these (as users see them); empty: every state
  std::optional<std::int64_t> job_id;
  std::optional<HttpStatusRange> http_status;  // the job's last answer; never one with none
  std::optional<api::Target> target;
  std::optional<std::string> identity;

  // Whether any field is given: `cancel` asks for one (or --all).
  bool narrows() const {
    return batch_id || !states.empty() || job_id || http_status || target || identity;
  }
};

// One job as `report` shows it: where it came from, what it does, and how it ended.
struct JobReportRow {
  std::int64_t job_id = 0;
  std::int64_t batch_id = 0;
  std::string source;  // "file:line"
  std::string op;
  std::string target;
  std::string identity;
  std::string page_id;
  std::string object_id;
  JobState state = JobState::kPending;
  std::int64_t attempts = 0;
  std::optional<int> last_http_status;
  std::string last_outcome;  // "" before any attempt
  std::string note;
  EpochMs updated_at = 0;
  // The request as queued: what `report --format jobfile` turns back into the job's fields.
  api::HttpRequest request;
  std::optional<EpochMs> not_before;  // the job file's schedule, when it gave one
  std::optional<EpochMs> expires_at;
};

struct AttemptFilter {
  std::optional<std::int64_t> job_id;
  std::optional<std::int64_t> run_id;
};

// ---- `copy`: a queue's rows as stored, every column, so that a queue moves between backends
// unchanged (its ids, states, leases and the attempt log's links and hashes). The attempt log's
// rows travel as ChainedAttempt: its values are every column of the row but the id and the
// two hashes, each with its storage class.

struct BatchRecord {
  std::int64_t id = 0;
  EpochMs created_at = 0;
  std::string description;
};

struct JobRecord {
  std::int64_t id = 0;
  std::int64_t batch_id = 0;
  std::string job_key;  // the stored key's bytes (job_keys.hpp)
  std::int64_t object_hash = 0;
  std::string source;
  std::string op;
  std::string target;
  std::string identity;
  std::string page_id;
  std::string object_id;
  std::string method;
  std::string path;
  std::string body;
  std::string state;  // as stored: a job in flight says 'pending' and has an InFlightRecord
  std::int64_t attempts = 0;
  EpochMs next_attempt_at = 0;
  std::string note;
  std::optional<std::int64_t> last_http_status;
  std::optional<std::string> last_outcome;
  EpochMs updated_at = 0;
  std::int64_t attempt_base = 0;
  std::optional<EpochMs> not_before;  // schema 11 (PostgreSQL 4): NULL when unscheduled
  std::optional<EpochMs> expires_at;
};

struct RunRecord {
  std::int64_t id = 0;
  EpochMs started_at = 0;
  std::optional<EpochMs> ended_at;
  // Where the run's process was; none when the queue did not record it (SQLite: a run there
  // is on the host that holds the file).
  std::optional<std::string> host;
  std::int64_t pid = 0;
  std::string options_json;
  std::optional<std::string> summary_json;
  std::optional<std::int64_t> exit_code;
};

// A job a run holds (its lease).
struct InFlightRecord {
  std::int64_t job_id = 0;
  std::int64_t run_id = 0;
  std::int64_t attempt = 0;
  EpochMs claimed_at = 0;
  EpochMs lease_until = 0;
};

// One row of queue_settings (the API root the queue is bound to).
struct SettingRecord {
  std::string name;
  std::string value;
};

// How many rows a queue holds, table by table.
struct QueueSize {
  std::int64_t settings = 0;
  std::int64_t batches = 0;
  std::int64_t runs = 0;
  std::int64_t jobs = 0;
  std::int64_t attempts = 0;
  std::int64_t in_flight = 0;
  std::int64_t checkpoints = 0;  // chain checkpoints (one per prune)
  std::int64_t paused_scopes = 0;

  std::int64_t rows() const {
    return settings + batches + runs + jobs + attempts + in_flight + checkpoints + paused_scopes;
  }
  bool empty() const { return rows() == 0; }
};

// ---- `prune` (docs/cli.md#prune): the oldest finished jobs and the prefix of the attempt log
// they fill move out into an archive file; the log goes on from a checkpoint.

// One prune as the queue remembers it (chain_checkpoints, schema 10): the pruned rows chained
// from start_hash, and the first row left in the queue links to end_hash.
struct ChainCheckpoint {
  std::int64_t id = 0;
  EpochMs created_at = 0;
  EpochMs before = 0;  // jobs that last changed before this were pruned
  std::string start_hash;
  std::int64_t after_attempt_id = 0;  // the pruned rows' ids were above this ...
  std::int64_t last_attempt_id = 0;   // ... up to this one
  std::string end_hash;
  std::int64_t attempts = 0;
  std::int64_t jobs = 0;
  std::int64_t batches = 0;
  std::string archive;  // the archive file as prune was given it
};

// What a prune found to move out, from one snapshot (Queue::prune_rows_to), and what its delete
// checks again before it deletes anything (Queue::commit_prune).
struct PrunePlan {
  EpochMs before = 0;
  std::string start_hash;             // where the pruned rows chain from
  std::int64_t after_attempt_id = 0;  // rows with ids above this ...
  std::int64_t last_attempt_id = 0;   // ... up to this one are pruned (equal: none)
  std::string end_hash;               // row_hash of the last one (start_hash when none)
  std::int64_t attempts = 0;
  std::int64_t jobs = 0;
  std::int64_t batches = 0;
  std::int64_t job_id_sum = 0;  // with `jobs`, tells the delete it meets the same jobs
  bool empty() const { return attempts == 0 && jobs == 0; }
};

}  // namespace oneall::store
