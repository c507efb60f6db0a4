// SqliteQueue::begin_copy_in and its session: the write side of `copy` into a SQLite file. Every
// row goes in as it came (ids, states, leases, the log's links and hashes), in one IMMEDIATE
// transaction that holds the file's write lock from the emptiness check to the commit.
#include <fmt/format.h>

#include <charconv>
#include <optional>
#include <string>

#include "store/attempt_chain.hpp"
#include "store/sqlite_queue.hpp"

namespace oneall::store {
namespace {

// Binds one hashed value with the storage class it had, so the row hashes as it did. A "real"
// (only in a row edited by hand) goes in as text; the column's affinity makes it a real again.
void bind_stored(Statement& insert, int index, const ChainValue& value) {
  if (value.type == "null") {
    insert.bind(index, std::nullopt);
  } else if (value.type == "integer") {
    std::int64_t number = 0;
    const char* end = value.text.data() + value.text.size();
    if (std::from_chars(value.text.data(), end, number).ptr == end) {
      insert.bind(index, number);
    } else {
      insert.bind(index, value.text);
    }
  } else if (value.type == "blob") {
    insert.bind_blob(index, value.text);
  } else {
    insert.bind(index, value.text);
  }
}

class SqliteCopyInSession final : public Queue::CopyInSession {
 public:
  SqliteCopyInSession(Database& db, std::string path)
      : db_(db),
        path_(std::move(path)),
        transaction_(db),
        insert_setting_(db, "INSERT INTO queue_settings (name, value) VALUES (?1, ?2)"),
        insert_batch_(db, "INSERT INTO batches (id, created_at, description) VALUES (?1, ?2, ?3)"),
        insert_run_(db,
                    "INSERT INTO runs (id, started_at, ended_at, pid, options_json, summary_json, "
                    "exit_code) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
        insert_job_(db,
                    "INSERT INTO jobs (id, batch_id, job_key, object_hash, source, op, target, "
                    "identity, page_id, object_id, method, path, body, state, attempts, "
                    "next_attempt_at, note, last_http_status, last_outcome, updated_at, "
                    "attempt_base, not_before, expires_at, waiting) VALUES (?1, ?2, ?3, ?4, ?5, "
                    "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, "
                    "?22, ?23, ?14 = 'pending' AND ?16 > 0)"),
        insert_attempt_(db,
                        "INSERT INTO attempts (id, run_id, job_id, attempt, started_at, ended_at, "
                        "method, path, request_body, http_status, curl_error, retry_after, "
                        "api_flag, api_code, api_info, response_body, response_truncated, "
                        "outcome, note, requests_sent, prev_hash, row_hash) VALUES (?1, ?2, ?3, "
                        "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
                        "?19, ?20, ?21, ?22)"),
        insert_in_flight_(db,
                          "INSERT INTO in_flight (job_id, run_id, attempt, claimed_at, "
                          "lease_until) VALUES (?1, ?2, ?3, ?4, ?5)"),
        insert_checkpoint_(db,
                           "INSERT INTO chain_checkpoints (id, created_at, before_ms, start_hash, "
                           "after_attempt_id, last_attempt_id, end_hash, attempts, jobs, batches, "
                           "archive) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"),
        insert_paused_(db,
                       "INSERT INTO paused_scopes (scope, batch_id, paused_at, paused_by) "
                       "VALUES (?1, ?2, ?3, ?4)") {}

  Status add(const SettingRecord& row) override {
    return write([&] { return fmt::format("setting {}", row.name); },
                 [&] { insert_setting_.bind(1, row.name).bind(2, row.value).run(); });
  }

  Status add(const BatchRecord& row) override {
    return write(
        [&] { return fmt::format("batch {}", row.id); },
        [&] {
          insert_batch_.bind(1, row.id).bind(2, row.created_at).bind(3, row.description).run();
        });
  }

  // SQLite keeps no host: a run there is on the host that holds the file.
  Status add(const RunRecord& row) override {
    return write([&] { return fmt::format("run {}", row.id); },
                 [&] {
                   insert_run_.bind(1, row.id)
                       .bind(2, row.started_at)
                       .bind(3, row.ended_at)
                       .bind(4, row.pid)
                       .bind(5, row.options_json)
                       .bind(6, row.summary_json)
                       .bind(7, row.exit_code)
                       .run();
                 });
  }

  Status add(const JobRecord& row) override {
    return write([&] { return fmt::format("job {}", row.id); },
                 [&] {
                   insert_job_.bind(1, row.id)
                       .bind(2, row.batch_id)
                       .bind_blob(3, row.job_key)
                       .bind(4, row.object_hash)
                       .bind_borrowed(5, row.source)
                       .bind_borrowed(6, row.op)
                       .bind_borrowed(7, row.target)
                       .bind_borrowed(8, row.identity)
                       .bind_borrowed(9, row.page_id)
                       .bind_borrowed(10, row.object_id)
                       .bind_borrowed(11, row.method)
                       .bind_borrowed(12, row.path)
                       .bind_borrowed(13, row.body)
                       .bind_borrowed(14, row.state)
                       .bind(15, row.attempts)
                       .bind(16, row.next_attempt_at)
                       .bind_borrowed(17, row.note)
                       .bind(18, row.last_http_status)
                       .bind(19, row.last_outcome)
                       .bind(20, row.updated_at)
                       .bind(21, row.attempt_base)
                       .bind(22, row.not_before)
                       .bind(23, row.expires_at)
                       .run();
                 });
  }

  Status add(const ChainedAttempt& row) override {
    return write([&] { return fmt::format("attempt row {}", row.id); },
                 [&] {
                   if (row.values.size() != kChainedColumns.size()) {
                     throw SqliteError(0, fmt::format("it has {} values, not {}", row.values.size(),
                                                      kChainedColumns.size()));
                   }
                   insert_attempt_.bind(1, row.id);
                   for (std::size_t i = 0; i < row.values.size(); ++i) {
                     bind_stored(insert_attempt_, static_cast<int>(i) + 2, row.values[i]);
                   }
                   insert_attempt_.bind(21, row.prev_hash).bind(22, row.row_hash).run();
                 });
  }

  Status add(const ChainCheckpoint& row) override {
    return write([&] { return fmt::format("chain checkpoint {}", row.id); },
                 [&] {
                   insert_checkpoint_.bind(1, row.id)
                       .bind(2, row.created_at)
                       .bind(3, row.before)
                       .bind_borrowed(4, row.start_hash)
                       .bind(5, row.after_attempt_id)
                       .bind(6, row.last_attempt_id)
                       .bind_borrowed(7, row.end_hash)
                       .bind(8, row.attempts)
                       .bind(9, row.jobs)
                       .bind(10, row.batches)
                       .bind_borrowed(11, row.archive)
                       .run();
                 });
  }

  Status add(const InFlightRecord& row) override {
    return write([&] { return fmt::format("the lease of job {}", row.job_id); },
                 [&] {
                   insert_in_flight_.bind(1, row.job_id)
                       .bind(2, row.run_id)
                       .bind(3, row.attempt)
                       .bind(4, row.claimed_at)
                       .bind(5, row.lease_until)
                       .run();
                 });
  }

  Status add(const PausedScope& row) override {
    return write([&] { return fmt::format("the pause of {}", row.scope()); },
                 [&] {
                   insert_paused_.bind(1, row.scope())
                       .bind(2, row.batch_id)
                       .bind(3, row.paused_at)
                       .bind_borrowed(4, row.paused_by)
                       .run();
                 });
  }

  Status commit() override {
    if (closed_because_) return Error{fmt::format("cannot commit the copy: {}", *closed_because_)};
    closed_because_ = "this copy was already committed";
    try {
      // The keys import looks jobs up by (schema 9's job_keys), in key order as import writes
      // them; two jobs with one key fail here, as they would in the queue they came from.
      db_.exec(
          "INSERT INTO job_keys (job_key, job_id) SELECT job_key, id FROM jobs ORDER BY job_key");
      transaction_.commit();
      return Ok{};
    } catch (const SqliteError& e) {
      closed_because_ = "its commit failed";
      return store_error(e, fmt::format("commit the copy into {}", path_), "nothing was copied");
    }
  }

 private:
  // Runs one insert; after a failure the session accepts nothing more, so a caller that carries
  // on cannot commit part of a queue.
  template <class Describe, class Insert>
  Status write(Describe describe, Insert insert) {
    if (closed_because_) {
      return Error{fmt::format("cannot copy {}: {}", describe(), *closed_because_)};
    }
    try {
      insert();
      return Ok{};
    } catch (const SqliteError& e) {
      closed_because_ = "an earlier row could not be copied, so none will be";
      return store_error(e, fmt::format("copy {} into {}", describe(), path_),
                         "nothing was copied");
    }
  }

  Database& db_;
  std::string path_;
  Transaction transaction_;  // first: rolls back after the statements are finalized
  Statement insert_setting_;
  Statement insert_batch_;
  Statement insert_run_;
  Statement insert_job_;
  Statement insert_attempt_;
  Statement insert_in_flight_;
  Statement insert_checkpoint_;
  Statement insert_paused_;
  std::optional<std::string> closed_because_;
};

}  // namespace

Result<std::unique_ptr<Queue::CopyInSession>> SqliteQueue::begin_copy_in() {
  try {
    // The session's transaction takes the write lock first, so nothing is added between the
    // check that the queue is empty and the copy's commit.
    auto session = std::make_unique<SqliteCopyInSession>(db_, path_);
    auto held = size();
    if (!held) return held.error();
    if (!held->empty()) {
      return Error{
          fmt::format("cannot copy into {}: it already holds {} row(s); copy only into "
                      "a new or empty queue",
                      path_, held->rows())};
    }
    return std::unique_ptr<Queue::CopyInSession>(std::move(session));
  } catch (const SqliteError& e) {
    return store_error(e, fmt::format("start a copy into {}", path_));
  }
}

}  // namespace oneall::store
