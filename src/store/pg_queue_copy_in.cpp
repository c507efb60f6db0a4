// PgQueue::begin_copy_in and its session: the write side of `copy` into a PostgreSQL database.
// Every row goes in as it came (ids, states, leases, the log's links and hashes), in one
// transaction that locks the queue's tables against writers from the emptiness check to the
// commit; the commit moves the runs' id sequence past the ids copied, so later runs get new ones.
#include <fmt/format.h>

#include <optional>
#include <string>
#include <vector>

#include "store/attempt_chain.hpp"
#include "store/pg_queue.hpp"

namespace oneall::store {
namespace {

PgParam optional_param(const std::optional<std::int64_t>& value) {
  return value ? PgParam(*value) : PgParam(std::nullopt);
}

PgParam optional_param(const std::optional<std::string>& value) {
  return value ? PgParam(*value) : PgParam(std::nullopt);
}

// The attempt columns kept as bytes (BYTEA), by their place in kChainedColumns.
bool is_bytea_column(std::size_t index) {
  return kChainedColumns[index] == "retry_after" || kChainedColumns[index] == "response_body";
}

// Which row a failure is about: "job 17", "attempt row 5", "lease of job 3".
struct RowLabel {
  const char* kind = "";
  std::int64_t id = 0;
};

// Rows of one table gathered into one multi-row INSERT, so a copy costs a round trip per
// kRowsPerInsert rows rather than per row (per row, a copy into a local server ran at 9,000
// rows/s). Bounded by rows and by bytes, so memory does not grow with the queue. PgError escapes.
class GatheredInsert {
 public:
  static constexpr int kRowsPerInsert = 500;
  static constexpr std::size_t kBytesPerInsert = 8 << 20;

  explicit GatheredInsert(PgConnection& connection) : connection_(connection) {}

  // Adds a row for `head` ("INSERT INTO t (a, b) VALUES "); the rows gathered before go first
  // when they are another table's or fill a statement.
  void add(const char* head, RowLabel label, std::vector<PgParam> row) {
    if (head_ != head || rows_ == kRowsPerInsert || bytes_ > kBytesPerInsert) send();
    if (rows_ == 0) {
      head_ = head;
      first_ = label;
      columns_ = row.size();
    }
    last_ = label;
    for (PgParam& value : row) {
      bytes_ += value.text() ? value.text()->size() : 0;
      params_.push_back(std::move(value));
    }
    ++rows_;
  }

  void send() {
    if (rows_ == 0) return;
    std::string sql = head_;
    std::size_t number = 0;
    for (int row = 0; row < rows_; ++row) {
      sql += row == 0 ? "(" : ", (";
      for (std::size_t column = 0; column < columns_; ++column) {
        if (column > 0) sql += ", ";
        sql += '$';
        sql += std::to_string(++number);
      }
      sql += ')';
    }
    connection_.query_range(sql, params_);
    params_.clear();
    rows_ = 0;
    bytes_ = 0;
  }

  // The rows not sent yet, or the ones whose send failed: "job 1 to job 500".
  std::string gathered() const {
    const std::string first = fmt::format("{} {}", first_.kind, first_.id);
    if (rows_ <= 1) return first;
    return fmt::format("{} to {} {}", first, last_.kind, last_.id);
  }

 private:
  PgConnection& connection_;
  const char* head_ = nullptr;
  std::size_t columns_ = 0;
  std::vector<PgParam> params_;
  int rows_ = 0;
  std::size_t bytes_ = 0;
  RowLabel first_;
  RowLabel last_;
};

constexpr const char* kInsertSetting = "INSERT INTO queue_settings (name, value) VALUES ";
constexpr const char* kInsertBatch = "INSERT INTO batches (id, created_at, description) VALUES ";
constexpr const char* kInsertRun =
    "INSERT INTO runs (id, started_at, ended_at, host, pid, options_json, summary_json, "
    "exit_code) VALUES ";
constexpr const char* kInsertJob =
    "INSERT INTO jobs (id, batch_id, job_key, object_hash, source, op, target, identity, "
    "page_id, object_id, method, path, body, state, attempts, next_attempt_at, note, "
    "last_http_status, last_outcome, updated_at, attempt_base, not_before, expires_at) VALUES ";
constexpr const char* kInsertAttempt =
    "INSERT INTO attempts (id, run_id, job_id, attempt, started_at, ended_at, method, path, "
    "request_body, http_status, curl_error, retry_after, api_flag, api_code, api_info, "
    "response_body, response_truncated, outcome, note, requests_sent, prev_hash, row_hash) "
    "VALUES ";
constexpr const char* kInsertCheckpoint =
    "INSERT INTO chain_checkpoints (id, created_at, before_ms, start_hash, after_attempt_id, "
    "last_attempt_id, end_hash, attempts, jobs, batches, archive) VALUES ";
constexpr const char* kInsertInFlight =
    "INSERT INTO in_flight (job_id, run_id, attempt, claimed_at, lease_until) VALUES ";
constexpr const char* kInsertPaused =
    "INSERT INTO paused_scopes (scope, batch_id, paused_at, paused_by) VALUES ";

class PgCopyInSession final : public Queue::CopyInSession {
 public:
  PgCopyInSession(PgConnection& connection, std::string shown)
      : connection_(connection),
        shown_(std::move(shown)),
        transaction_(connection),
        gathered_(connection) {}

  Status add(const SettingRecord& row) override {
    return write(kInsertSetting, {"setting", ++settings_}, {row.name, row.value});
  }

  Status add(const BatchRecord& row) override {
    return write(kInsertBatch, {"batch", row.id}, {row.id, row.created_at, row.description});
  }

  // A run from a queue that kept no host (SQLite) gets '': a later run then never takes its
  // pid for one of its own host's, and waits for the leases of its jobs, if any, to run out.
  Status add(const RunRecord& row) override {
    copied_runs_ = true;
    return write(
        kInsertRun, {"run", row.id},
        {row.id, row.started_at, optional_param(row.ended_at), row.host.value_or(""), row.pid,
         row.options_json, optional_param(row.summary_json), optional_param(row.exit_code)});
  }

  Status add(const JobRecord& row) override {
    return write(kInsertJob, {"job", row.id},
                 {row.id,
                  row.batch_id,
                  bytea_param(row.job_key),
                  row.object_hash,
                  row.source,
                  row.op,
                  row.target,
                  row.identity,
                  row.page_id,
                  row.object_id,
                  row.method,
                  row.path,
                  row.body,
                  row.state,
                  row.attempts,
                  row.next_attempt_at,
                  row.note,
                  optional_param(row.last_http_status),
                  optional_param(row.last_outcome),
                  row.updated_at,
                  row.attempt_base,
                  optional_param(row.not_before),
                  optional_param(row.expires_at)});
  }

  // Each value as stored: NULL stays NULL, the bytes of retry_after and response_body as BYTEA,
  // the rest as text for the column's type to read.
  Status add(const ChainedAttempt& row) override {
    if (row.values.size() != kChainedColumns.size()) {
      closed_because_ = "an earlier row could not be copied, so none will be";
      return Error{fmt::format("cannot copy attempt row {}: it has {} values, not {}", row.id,
                               row.values.size(), kChainedColumns.size())};
    }
    std::vector<PgParam> params;
    params.reserve(row.values.size() + 3);
    params.emplace_back(row.id);
    for (std::size_t i = 0; i < row.values.size(); ++i) {
      const ChainValue& value = row.values[i];
      if (value.type == "null") {
        params.emplace_back(std::nullopt);
      } else if (is_bytea_column(i)) {
        params.emplace_back(bytea_param(value.text));
      } else {
        params.emplace_back(value.text);
      }
    }
    params.emplace_back(optional_param(row.prev_hash));
    params.emplace_back(optional_param(row.row_hash));
    return write(kInsertAttempt, {"attempt row", row.id}, std::move(params));
  }

  Status add(const ChainCheckpoint& row) override {
    return write(
        kInsertCheckpoint, {"chain checkpoint", row.id},
        {row.id, row.created_at, row.before, row.start_hash, row.after_attempt_id,
         row.last_attempt_id, row.end_hash, row.attempts, row.jobs, row.batches, row.archive});
  }

  Status add(const InFlightRecord& row) override {
    return write(kInsertInFlight, {"lease of job", row.job_id},
                 {row.job_id, row.run_id, row.attempt, row.claimed_at, row.lease_until});
  }

  // Labelled by its batch; the queue's own pause is "paused scope 0".
  Status add(const PausedScope& row) override {
    return write(kInsertPaused, {"paused scope", row.batch_id.value_or(0)},
                 {row.scope(), optional_param(row.batch_id), row.paused_at, row.paused_by});
  }

  Status commit() override {
    if (closed_because_) return Error{fmt::format("cannot commit the copy: {}", *closed_because_)};
    if (auto sent = send_gathered(); !sent) return sent;
    closed_because_ = "this copy was already committed";
    try {
      if (copied_runs_) {
        connection_.exec(
            "SELECT setval(pg_get_serial_sequence('runs', 'id'), (SELECT MAX(id) FROM runs))");
      }
      transaction_.commit();
      return Ok{};
    } catch (const PgError& e) {
      closed_because_ = "its commit failed";
      return pg_store_error(e, fmt::format("commit the copy into {}", shown_),
                            "nothing was copied");
    }
  }

 private:
  // Gathers one row; after a failure the session accepts nothing more (the transaction is
  // aborted anyway), so a caller that carries on cannot commit part of a queue. A row's
  // failure may show at a later add() or at commit(), when its INSERT goes out.
  Status write(const char* head, RowLabel label, std::vector<PgParam> row) {
    if (closed_because_) {
      return Error{fmt::format("cannot copy {} {}: {}", label.kind, label.id, *closed_because_)};
    }
    try {
      gathered_.add(head, label, std::move(row));
      return Ok{};
    } catch (const PgError& e) {
      return failed(e);
    }
  }

  Status send_gathered() {
    try {
      gathered_.send();
      return Ok{};
    } catch (const PgError& e) {
      return failed(e);
    }
  }

  Error failed(const PgError& e) {
    closed_because_ = "an earlier row could not be copied, so none will be";
    return pg_store_error(e, fmt::format("copy {} into {}", gathered_.gathered(), shown_),
                          "nothing was copied");
  }

  PgConnection& connection_;
  std::string shown_;
  PgTransaction transaction_;
  GatheredInsert gathered_;
  std::int64_t settings_ = 0;
  bool copied_runs_ = false;
  std::optional<std::string> closed_because_;
};

}  // namespace

Result<std::unique_ptr<Queue::CopyInSession>> PgQueue::begin_copy_in() {
  try {
    auto session = std::make_unique<PgCopyInSession>(connection_, shown_);
    // EXCLUSIVE lets others read but not write: no import, run or change lands between the
    // check that the queue is empty and the commit.
    connection_.exec(
        "LOCK TABLE queue_settings, batches, runs, jobs, attempts, in_flight, chain_checkpoints, "
        "paused_scopes IN EXCLUSIVE MODE");
    auto held = size();
    if (!held) return held.error();
    if (!held->empty()) {
      return Error{
          fmt::format("cannot copy into {}: it already holds {} row(s); copy only into "
                      "a new or empty queue",
                      shown_, held->rows())};
    }
    return std::unique_ptr<Queue::CopyInSession>(std::move(session));
  } catch (const PgError& e) {
    return pg_store_error(e, fmt::format("start a copy into {}", shown_));
  }
}

}  // namespace oneall::store
