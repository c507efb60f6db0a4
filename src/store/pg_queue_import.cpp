// PgQueue::begin_import and its import session: all jobs of one invocation go in one
// transaction, each keyed by what it does so that importing the same job again adds nothing.
// Imports are serialised by a transaction-level advisory lock, under which the session numbers
// its batch and jobs after the largest ids there (as SQLite does), so ids have no gaps.
//
// Rows travel in chunks (bench/README.md, "import"): each is sent with COPY into a temporary
// staging table, then one INSERT ... SELECT adds the chunk's new jobs, in file order, skipping
// keys already queued and repeats within the import, and counts the duplicates by state. The
// first chunks are small (1, 2, 4, ... rows) so that a database that refuses the jobs (a
// permission, a trigger) says so at the first rows, not after the whole file was sent.
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <span>
#include <string>

#include "store/job_state.hpp"
#include "store/pg_queue.hpp"

namespace oneall::store {
namespace {

constexpr std::int64_t kImportLockKey = 0x6f6e65616c6c02;  // "oneall" 02

// A chunk ends at this many rows or bytes of COPY text, whichever comes first: few round trips
// per million rows, and bounded memory on both sides.
constexpr std::int64_t kMaxChunkRows = 65'536;
constexpr std::size_t kMaxChunkBytes = 16u << 20;
// COPY text is handed to libpq in pieces of about this size, so the client holds little of it.
constexpr std::size_t kCopyPieceBytes = 256u << 10;

// The state a duplicate's job is in, as `import` reports it: in flight is running.
constexpr const char* kQueuedState =
    "CASE WHEN EXISTS (SELECT 1 FROM in_flight AS f WHERE f.job_id = j.id) THEN 'running' "
    "ELSE j.state END";

class PgImportSession final : public Queue::ImportSession {
 public:
  PgImportSession(PgConnection& connection, const Clock& clock)
      : connection_(connection), clock_(clock), transaction_(connection) {}

  // Takes the import lock, numbers the batch, adds its row and the staging table.
  void start(const std::string& description);
  Status add_all(std::span<const NewJob> jobs) override;
  Result<ImportSummary> commit() override;

 private:
  // Adds the job's row to the chunk, handing rows to libpq or ending the chunk when due.
  void add_row(const NewJob& job);
  // Ends the chunk: sends its last rows and adds its new jobs.
  void flush();
  // Hands the rows gathered to the chunk's COPY, starting it if need be.
  void send_piece();

  PgConnection& connection_;
  const Clock& clock_;
  PgTransaction transaction_;
  std::int64_t batch_id_ = 0;
  std::int64_t next_job_id_ = 1;
  std::int64_t next_seq_ = 0;     // file order within the import
  std::optional<PgCopyIn> copy_;  // the chunk's COPY while rows are added to it
  std::string piece_;             // COPY text of rows not handed to libpq yet
  std::size_t chunk_bytes_ = 0;
  std::int64_t chunk_rows_ = 0;
  std::int64_t chunk_limit_ = 1;
  std::string last_source_;  // of the chunk's last row, to say where a failed chunk ended
  ImportSummary summary_;
  // Set when add() failed or commit() ran: the session accepts nothing more, so a caller
  // that carries on after an error cannot commit half an import.
  std::optional<std::string> closed_because_;
};

void PgImportSession::start(const std::string& description) {
  connection_.query("SELECT pg_advisory_xact_lock($1)", {kImportLockKey});
  batch_id_ = connection_.query("SELECT COALESCE(MAX(id), 0) + 1 FROM batches").integer(0, 0);
  next_job_id_ = connection_.query("SELECT COALESCE(MAX(id), 0) + 1 FROM jobs").integer(0, 0);
  connection_.query("INSERT INTO batches (id, created_at, description) VALUES ($1, $2, $3)",
                    {batch_id_, clock_.now_ms(), description});
  connection_.exec(
      "CREATE TEMP TABLE import_rows (seq BIGINT NOT NULL, job_key BYTEA NOT NULL, "
      "object_hash BIGINT NOT NULL, source TEXT NOT NULL, op TEXT NOT NULL, "
      "target TEXT NOT NULL, identity TEXT NOT NULL, page_id TEXT NOT NULL, "
      "object_id TEXT NOT NULL, method TEXT NOT NULL, path TEXT NOT NULL, body TEXT NOT NULL, "
      "not_before BIGINT, expires_at BIGINT) "
      "ON COMMIT DROP");
  // For this transaction only. The chunk's statement probes jobs_by_key once per row, which is
  // what it wants; but the statistics of jobs are from before the import (ANALYZE runs after
  // it), so the planner may take a growing jobs table for empty and hash all of it at every
  // chunk. Its sorts fit in memory, and JIT compiling costs more than it saves here.
  connection_.exec(
      "SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off; "
      "SET LOCAL work_mem = '64MB'; SET LOCAL jit = off");
}

Status PgImportSession::add_all(std::span<const NewJob> jobs) {
  if (closed_because_) {
    return Error{fmt::format("cannot queue the jobs of {}: {}",
                             jobs.empty() ? "this import" : jobs.front().source, *closed_because_)};
  }
  try {
    for (const NewJob& job : jobs) add_row(job);
    return Ok{};
  } catch (const PgError& e) {
    closed_because_ = "an earlier job of this import could not be queued, so none of it will be";
    return pg_store_error(e, fmt::format("queue the jobs up to {}", last_source_),
                          "nothing was queued");
  }
}

void PgImportSession::add_row(const NewJob& job) {
  const api::Action& action = job.action;
  const std::size_t before = piece_.size();
  piece_ += std::to_string(next_seq_++);
  piece_ += '\t';
  append_copy_field(piece_, bytea_param(job.key));  // "\\x…": its backslash is escaped too
  piece_ += '\t';
  piece_ += std::to_string(job.object_hash);
  piece_ += '\t';
  for (std::string_view field :
       {std::string_view(job.source), api::op_name(action.op), api::target_name(action.target),
        std::string_view(action.identity), std::string_view(action.page_id),
        std::string_view(action.object_id), std::string_view(job.request.method),
        std::string_view(job.request.path)}) {
    append_copy_field(piece_, field);
    piece_ += '\t';
  }
  append_copy_field(piece_, job.request.body);
  for (const std::optional<EpochMs>& time : {job.schedule.not_before, job.schedule.expires_at}) {
    piece_ += '\t';
    piece_ += time ? std::to_string(*time) : std::string("\\N");  // COPY's NULL
  }
  piece_ += '\n';
  chunk_bytes_ += piece_.size() - before;
  last_source_ = job.source;
  if (++chunk_rows_ >= chunk_limit_ || chunk_bytes_ >= kMaxChunkBytes) {
    flush();
  } else if (piece_.size() >= kCopyPieceBytes) {
    send_piece();
  }
}

void PgImportSession::send_piece() {
  if (!copy_) {
    connection_.exec("TRUNCATE import_rows");
    copy_.emplace(connection_,
                  "COPY import_rows (seq, job_key, object_hash, source, op, target, identity, "
                  "page_id, object_id, method, path, body, not_before, expires_at) FROM STDIN");
  }
  copy_->put(piece_);
  piece_.clear();
}

void PgImportSession::flush() {
  if (chunk_rows_ == 0) return;
  const std::int64_t rows = chunk_rows_;
  send_piece();
  copy_->finish();
  copy_.reset();
  chunk_bytes_ = 0;
  chunk_rows_ = 0;
  chunk_limit_ = std::min(chunk_limit_ * 2, kMaxChunkRows);
  // One pass over the chunk: each row's queued job if any (a probe of jobs_by_key), the counts
  // of those by state, and the new jobs: the first row of each key not queued yet, numbered on
  // in file order and inserted in key order, so that jobs_by_key takes them page by page rather
  // than at random (the table itself is a heap: the order of its rows is no one's concern).
  const PgRows counts = connection_.query(
      std::string("WITH staged AS MATERIALIZED (SELECT r.*, j.id AS queued_id, CASE WHEN j.id "
                  "IS NOT NULL THEN ") +
          kQueuedState +
          " END AS queued_state FROM import_rows AS r LEFT JOIN jobs AS j "
          "ON j.job_key = r.job_key), "
          "fresh AS (SELECT DISTINCT ON (job_key) * FROM staged WHERE queued_id IS NULL "
          "ORDER BY job_key, seq), "
          "added AS (INSERT INTO jobs (id, batch_id, job_key, object_hash, source, op, target, "
          "identity, page_id, object_id, method, path, body, updated_at, next_attempt_at, "
          "not_before, expires_at) "
          "SELECT $1 - 1 + ROW_NUMBER() OVER (ORDER BY seq), $2, job_key, object_hash, source, "
          "op, target, identity, page_id, object_id, method, path, body, $3, "
          "COALESCE(not_before, 0), not_before, expires_at FROM fresh "
          "ORDER BY job_key ON CONFLICT (job_key) DO NOTHING RETURNING 1) "
          "SELECT queued_state, COUNT(*) FROM staged WHERE queued_id IS NOT NULL GROUP BY 1 "
          "UNION ALL SELECT NULL, COUNT(*) FROM added",
      {next_job_id_, batch_id_, clock_.now_ms()});
  std::int64_t queued = 0;
  std::int64_t added = 0;
  for (int row = 0; row < counts.size(); ++row) {
    const std::int64_t count = counts.integer(row, 1);
    if (counts.is_null(row, 0)) {
      added = count;
      continue;
    }
    queued += count;
    if (auto state = parse_state(counts.text(row, 0)))
      summary_.duplicates_by_state[*state] += count;
  }
  summary_.new_jobs += added;
  next_job_id_ += added;
  // The rest repeat a row of this chunk whose job is new: pending.
  const std::int64_t repeats = rows - queued - added;
  summary_.duplicates += queued + repeats;
  if (repeats > 0) summary_.duplicates_by_state[JobState::kPending] += repeats;
}

Result<ImportSummary> PgImportSession::commit() {
  if (closed_because_) {
    return Error{fmt::format("cannot commit the import: {}", *closed_because_)};
  }
  closed_because_ = "this import was already committed";
  try {
    flush();
    // A batch that added nothing is noise in `status`: keep no row for it, and report batch 0.
    if (summary_.new_jobs == 0) {
      connection_.query("DELETE FROM batches WHERE id = $1", {batch_id_});
      summary_.batch_id = 0;
    } else {
      summary_.batch_id = batch_id_;
    }
    transaction_.commit();
  } catch (const PgError& e) {
    closed_because_ = "its commit failed";
    return pg_store_error(e, fmt::format("queue the jobs up to {}", last_source_),
                          "nothing was queued");
  }
  if (summary_.new_jobs > 0) {
    // Statistics of the jobs now there, so that claims walk the pending jobs in id order: with
    // none (autovacuum comes later) the planner took the pending jobs for a handful and sorted
    // all of them at every claim, 20 ms a claim with 5,000 pending. Only an optimisation: the
    // import is committed whatever it says.
    try {
      connection_.exec("ANALYZE jobs");
    } catch (const PgError&) {
    }
  }
  return summary_;
}

}  // namespace

Result<std::unique_ptr<Queue::ImportSession>> PgQueue::begin_import(
    const std::string& description) {
  try {
    auto session = std::make_unique<PgImportSession>(connection_, clock_);
    session->start(description);
    return std::unique_ptr<Queue::ImportSession>(std::move(session));
  } catch (const PgError& e) {
    return pg_store_error(e, fmt::format("start an import into {}", shown_));
  }
}

}  // namespace oneall::store
