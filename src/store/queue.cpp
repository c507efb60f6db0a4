#include "store/queue.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "store/migrations.hpp"
#include "store/queue_statements.hpp"

namespace oneall::store {
namespace {

// The queue holds request bodies of users' accounts: create it readable by its owner only.
// SQLite gives its -wal and -shm files the same mode as the database file.
Status create_private_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Error{fmt::format("cannot open queue database {}: {}", path, std::strerror(errno))};
  }
  ::close(fd);
  return Ok{};
}

// Appends one row to the attempt log.
void insert_attempt(Statement& insert, const AttemptRecord& a) {
  std::optional<std::int64_t> http_status;
  if (a.http_status != 0) http_status = a.http_status;
  std::optional<std::int64_t> api_code;
  if (a.api_code) api_code = *a.api_code;
  insert.bind(1, a.run_id)
      .bind(2, a.job_id)
      .bind(3, a.attempt)
      .bind(4, a.started_at)
      .bind(5, a.ended_at)
      .bind(6, a.method)
      .bind(7, a.path)
      .bind(8, a.request_body)
      .bind(9, http_status)
      .bind(10, a.curl_error)
      .bind(11, a.retry_after)
      .bind(12, a.api_flag)
      .bind(13, api_code)
      .bind(14, a.api_info)
      .bind(15, a.response_body)
      .bind(16, a.response_truncated ? 1 : 0)
      .bind(17, a.outcome)
      .bind(18, a.note)
      .run();
}

}  // namespace

Queue::Queue(std::string path, Database db, const Clock& clock)
    : path_(std::move(path)),
      db_(std::move(db)),
      clock_(clock),
      statements_(std::make_unique<QueueStatements>(db_)) {}

Queue::~Queue() = default;

Result<std::unique_ptr<Queue>> Queue::open(const std::string& path, const Clock& clock) {
  if (auto created = create_private_file(path); !created) return created.error();
  try {
    Database db = Database::open(path);
    // WAL with synchronous=NORMAL: a commit survives the process dying at any moment (the
    // crash model here); only an OS crash or power loss may lose the last commits, never
    // corrupt the file. See docs/architecture.md.
    db.exec("PRAGMA journal_mode=WAL");
    db.exec("PRAGMA synchronous=NORMAL");
    if (auto migrated = migrate(db); !migrated) {
      return Error{fmt::format("{}: {}", path, migrated.error().message)};
    }
    return std::make_unique<Queue>(path, std::move(db), clock);
  } catch (const SqliteError& e) {
    return Error{fmt::format("cannot open queue database {}: {}", path, e.what())};
  }
}

Result<std::int64_t> Queue::begin_run(const std::string& options_json) {
  try {
    const EpochMs now = clock_.now_ms();
    Transaction transaction(db_);
    statements_->insert_run.bind(1, now)
        .bind(2, static_cast<std::int64_t>(getpid()))
        .bind(3, options_json)
        .run();
    const std::int64_t run_id = db_.last_insert_rowid();

    // Jobs whose lease expired belong to a process that died: their attempt may or may not
    // have reached the server. Close it in the audit log as interrupted and queue the job
    // again; its attempt count keeps that attempt.
    std::vector<AttemptRecord> interrupted;
    Statement& select = statements_->expired_leases;
    select.bind(1, now);
    while (select.step()) {
      AttemptRecord attempt;
      attempt.job_id = select.column_int(0);
      attempt.run_id = select.column_int(1);
      attempt.attempt = static_cast<int>(select.column_int(2));
      attempt.started_at = select.column_int(3);
      attempt.ended_at = now;
      attempt.method = select.column_text(4);
      attempt.path = select.column_text(5);
      attempt.request_body = select.column_text(6);
      attempt.outcome = "interrupted";
      attempt.note = "lease expired: the run holding this job stopped without finishing it";
      interrupted.push_back(std::move(attempt));
    }
    select.reset();
    for (const auto& attempt : interrupted) {
      insert_attempt(statements_->insert_attempt, attempt);
      statements_->requeue_interrupted.bind(1, attempt.job_id).bind(2, now).run();
    }
    transaction.commit();
    return run_id;
  } catch (const SqliteError& e) {
    return Error{fmt::format("cannot start a run in {}: {}", path_, e.what())};
  }
}

Status Queue::end_run(std::int64_t run_id, int exit_code, const std::string& summary_json) {
  try {
    statements_->end_run.bind(1, run_id)
        .bind(2, clock_.now_ms())
        .bind(3, exit_code)
        .bind(4, summary_json)
        .run();
    return Ok{};
  } catch (const SqliteError& e) {
    return Error{fmt::format("cannot record the end of run {}: {}", run_id, e.what())};
  }
}

Result<std::vector<ClaimedJob>> Queue::claim(std::int64_t run_id, std::size_t limit,
                                             std::int64_t lease_ms,
                                             std::optional<std::int64_t> batch) {
  std::vector<ClaimedJob> claimed;
  if (limit == 0) return claimed;
  try {
    const EpochMs now = clock_.now_ms();
    Transaction transaction(db_);
    std::vector<std::int64_t> ids;
    Statement& select = statements_->select_claimable;
    select.bind(1, now).bind(2, batch).bind(3, static_cast<std::int64_t>(limit));
    while (select.step()) ids.push_back(select.column_int(0));
    select.reset();

    Statement& update = statements_->claim_job;
    for (std::int64_t id : ids) {
      update.bind(1, id).bind(2, run_id).bind(3, now).bind(4, now + lease_ms);
      if (update.step()) {
        ClaimedJob job;
        job.job_id = id;
        job.attempt = static_cast<int>(update.column_int(0));
        job.batch_id = update.column_int(1);
        job.op = api::parse_op(update.column_text(2)).value_or(api::Op::kDelete);
        job.method = update.column_text(3);
        job.path = update.column_text(4);
        job.body = update.column_text(5);
        job.source = update.column_text(6);
        claimed.push_back(std::move(job));
      }
      update.reset();
    }
    transaction.commit();
    return claimed;
  } catch (const SqliteError& e) {
    return Error{fmt::format("cannot claim jobs from {}: {}", path_, e.what())};
  }
}

Status Queue::renew_leases(std::int64_t run_id, std::int64_t lease_ms) {
  try {
    statements_->renew_leases.bind(1, run_id).bind(2, clock_.now_ms() + lease_ms).run();
    return Ok{};
  } catch (const SqliteError& e) {
    return Error{fmt::format("cannot renew the leases of run {}: {}", run_id, e.what())};
  }
}

Status Queue::finish(const AttemptRecord& a, const JobTransition& next) {
  try {
    Transaction transaction(db_);
    insert_attempt(statements_->insert_attempt, a);
    statements_->finish_job.bind(1, a.job_id)
        .bind(2, state_name(next.state))
        .bind(3, next.next_attempt_at)
        .bind(4, next.note)
        .bind(5, a.http_status != 0 ? std::optional<std::int64_t>(a.http_status) : std::nullopt)
        .bind(6, a.outcome)
        .bind(7, clock_.now_ms())
        .run();
    if (db_.changes() != 1) {
      return Error{
          fmt::format("job {} was no longer running when its attempt {} finished "
                      "(its lease expired and another run took it over?)",
                      a.job_id, a.attempt)};
    }
    transaction.commit();
    return Ok{};
  } catch (const SqliteError& e) {
    return Error{
        fmt::format("cannot record attempt {} of job {}: {}", a.attempt, a.job_id, e.what())};
  }
}

Status Queue::release(std::int64_t job_id) {
  try {
    statements_->release_job.bind(1, job_id).bind(2, clock_.now_ms()).run();
    return Ok{};
  } catch (const SqliteError& e) {
    return Error{fmt::format("cannot release job {}: {}", job_id, e.what())};
  }
}

Result<std::optional<EpochMs>> Queue::next_pending_at(std::optional<std::int64_t> batch) {
  try {
    Statement& select = statements_->next_pending_at;
    select.bind(1, batch);
    std::optional<EpochMs> earliest;
    if (select.step()) earliest = select.column_optional_int(0);
    select.reset();
    return earliest;
  } catch (const SqliteError& e) {
    return Error{fmt::format("cannot read the queue {}: {}", path_, e.what())};
  }
}

}  // namespace oneall::store
