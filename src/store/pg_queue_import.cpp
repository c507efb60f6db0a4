// PgQueue::begin_import and its import session: all jobs of one invocation go in one
// transaction, each keyed by what it does so that importing the same job again adds nothing.
// Imports are serialised by a transaction-level advisory lock, under which the session numbers
// its batch and jobs after the largest ids there (as SQLite does), so ids have no gaps.
#include <fmt/format.h>

#include <optional>
#include <string>

#include "store/job_keys.hpp"
#include "store/job_state.hpp"
#include "store/pg_queue.hpp"

namespace oneall::store {
namespace {

constexpr std::int64_t kImportLockKey = 0x6f6e65616c6c02;  // "oneall" 02

class PgImportSession final : public Queue::ImportSession {
 public:
  PgImportSession(PgConnection& connection, const Clock& clock)
      : connection_(connection), clock_(clock), transaction_(connection) {}

  // Takes the import lock, numbers the batch and adds its row.
  void start(const std::string& description);
  Status add(const api::Action& action, const api::HttpRequest& request,
             const std::string& source) override;
  Result<ImportSummary> commit() override;

 private:
  PgConnection& connection_;
  const Clock& clock_;
  PgTransaction transaction_;
  std::int64_t batch_id_ = 0;
  std::int64_t next_job_id_ = 1;
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
}

Status PgImportSession::add(const api::Action& action, const api::HttpRequest& request,
                            const std::string& source) {
  if (closed_because_) {
    return Error{fmt::format("cannot queue the job of {}: {}", source, *closed_because_)};
  }
  try {
    const std::string key = stored_job_key(api::job_key(action, request));
    PgRows inserted = connection_.query(
        "INSERT INTO jobs (id, batch_id, job_key, object_hash, source, op, target, identity, "
        "page_id, object_id, method, path, body, updated_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) "
        "ON CONFLICT (job_key) DO NOTHING",
        {next_job_id_, batch_id_, bytea_param(key),
         object_hash(api::object_key(action)), source, api::op_name(action.op),
         api::target_name(action.target), action.identity, action.page_id, action.object_id,
         request.method, request.path, request.body, clock_.now_ms()});
    if (inserted.affected() == 1) {
      ++summary_.new_jobs;
      ++next_job_id_;
    } else {
      ++summary_.duplicates;
      // Only duplicates are looked up, through the job_key index: a first import pays nothing.
      PgRows queued = connection_.query(
          "SELECT CASE WHEN EXISTS (SELECT 1 FROM in_flight AS f WHERE f.job_id = jobs.id) "
          "THEN 'running' ELSE state END FROM jobs WHERE job_key = $1",
          {bytea_param(key)});
      if (queued.size() > 0) {
        if (auto state = parse_state(queued.text(0, 0))) ++summary_.duplicates_by_state[*state];
      }
    }
    return Ok{};
  } catch (const PgError& e) {
    closed_because_ = "an earlier job of this import could not be queued, so none of it will be";
    return pg_store_error(e, fmt::format("queue the job of {}", source), "nothing was queued");
  }
}

Result<ImportSummary> PgImportSession::commit() {
  if (closed_because_) {
    return Error{fmt::format("cannot commit the import: {}", *closed_because_)};
  }
  closed_because_ = "this import was already committed";
  try {
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
    return pg_store_error(e, "commit the import", "nothing was queued");
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
