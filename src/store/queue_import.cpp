// SqliteQueue::begin_import and its import session: all jobs of one invocation go in one
// transaction, each keyed by what it does so that importing the same job again adds nothing.
#include <fmt/format.h>

#include <optional>
#include <string>

#include "store/job_keys.hpp"
#include "store/queue_statements.hpp"
#include "store/sqlite_queue.hpp"

namespace oneall::store {
namespace {

struct ImportState {
  ImportState(Database& db_, QueueStatements& statements_, const Clock& clock_)
      : db(db_),
        statements(statements_),
        clock(clock_),
        transaction(db_),
        // Only duplicates are looked up, through the job_key index: a first import pays nothing.
        duplicate_state(db_, "SELECT CASE WHEN " + in_flight_sql("jobs.id") +
                                 " THEN 'running' ELSE state END FROM jobs WHERE job_key = ?1") {}

  Database& db;
  QueueStatements& statements;
  const Clock& clock;
  Transaction transaction;
  Statement duplicate_state;
  std::int64_t batch_id = 0;
  ImportSummary summary;
  // Set when add() failed or commit() ran: the session accepts nothing more, so a caller
  // that carries on after an error cannot commit half an import.
  std::optional<std::string> closed_because;
};

// One import: its transaction holds everything it added, so destroying the session before
// commit() rolls all of it back.
class SqliteImportSession final : public Queue::ImportSession {
 public:
  SqliteImportSession(Database& db, QueueStatements& statements, const Clock& clock)
      : state_(db, statements, clock) {}

  Status add(const api::Action& action, const api::HttpRequest& request,
             const std::string& source) override;
  Result<ImportSummary> commit() override;
  void set_batch_id(std::int64_t batch_id) { state_.batch_id = batch_id; }

 private:
  ImportState state_;
};

Status SqliteImportSession::add(const api::Action& action, const api::HttpRequest& request,
                                const std::string& source) {
  if (state_.closed_because) {
    return Error{fmt::format("cannot queue the job of {}: {}", source, *state_.closed_because)};
  }
  try {
    Statement& insert = state_.statements.insert_job;
    const std::string key = stored_job_key(api::job_key(action, request));
    insert.bind(1, state_.batch_id)
        .bind_blob(2, key)
        .bind(3, object_hash(api::object_key(action)))
        .bind(4, source)
        .bind(5, api::op_name(action.op))
        .bind(6, api::target_name(action.target))
        .bind(7, action.identity)
        .bind(8, action.page_id)
        .bind(9, action.object_id)
        .bind(10, request.method)
        .bind(11, request.path)
        .bind(12, request.body)
        .bind(13, state_.clock.now_ms())
        .run();
    if (state_.db.changes() == 1) {
      ++state_.summary.new_jobs;
    } else {
      ++state_.summary.duplicates;
      Statement& lookup = state_.duplicate_state;
      lookup.bind_blob(1, key);
      if (lookup.step()) {
        if (auto queued = parse_state(lookup.column_text(0))) {
          ++state_.summary.duplicates_by_state[*queued];
        }
      }
      lookup.reset();
    }
    return Ok{};
  } catch (const SqliteError& e) {
    state_.closed_because =
        "an earlier job of this import could not be queued, so none of it will be";
    return store_error(e, fmt::format("queue the job of {}", source), "nothing was queued");
  }
}

Result<ImportSummary> SqliteImportSession::commit() {
  if (state_.closed_because) {
    return Error{fmt::format("cannot commit the import: {}", *state_.closed_because)};
  }
  state_.closed_because = "this import was already committed";
  try {
    // A batch that added nothing is noise in `status`: keep no row for it, and report batch 0.
    if (state_.summary.new_jobs == 0) {
      state_.statements.delete_batch.bind(1, state_.batch_id).run();
      state_.summary.batch_id = 0;
    } else {
      state_.summary.batch_id = state_.batch_id;
    }
    state_.transaction.commit();
    return state_.summary;
  } catch (const SqliteError& e) {
    state_.closed_because = "its commit failed";
    return store_error(e, "commit the import", "nothing was queued");
  }
}

}  // namespace

Result<std::unique_ptr<Queue::ImportSession>> SqliteQueue::begin_import(
    const std::string& description) {
  try {
    auto session = std::make_unique<SqliteImportSession>(db_, *statements_, clock_);
    statements_->insert_batch.bind(1, clock_.now_ms()).bind(2, description).run();
    session->set_batch_id(db_.last_insert_rowid());
    return std::unique_ptr<Queue::ImportSession>(std::move(session));
  } catch (const SqliteError& e) {
    return store_error(e, fmt::format("start an import into {}", path_));
  }
}

}  // namespace oneall::store
