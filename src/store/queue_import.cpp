// SqliteQueue::begin_import and its import session: all jobs of one invocation go in one
// transaction, each keyed by what it does so that importing the same job again adds nothing.
//
// Written for speed at millions of rows (bench/README.md, "import"): jobs go into the table in
// file order, with the next ids, 64 to a statement (add_all), so the table and its indexes by
// batch and id only grow at their end. The two keyed by a hash are kept apart from that stream:
// - job_keys (schema 9) is only read while jobs are added, to find the jobs already queued;
//   the new keys go in at commit, sorted, so each of its pages is written once. A job repeated
//   within the import is found then, and taken out again with the ids after it closed up.
// - jobs_by_object is dropped once an import is large next to the queue, and built again
//   (one sort) before the commit.
// All of it happens in the one transaction: a failure or a crash leaves the queue as it was.
// No statement of it needs a statement journal, which SQLite otherwise keeps for a statement that
// adds many rows and may stop halfway, so that the statement alone can be undone: a copy of every
// page it changes, written to a temporary file (600 MB for a million jobs into a new queue).
// The session never goes on after a failed statement (the whole transaction is rolled back), so
// its INSERTs say OR FAIL, and foreign keys are left unchecked while it lasts: a job's only one
// is its batch, the row the session itself adds first.
// Into a queue no other connection has open, it writes through a rollback journal rather than
// the write-ahead log (sqlite_journal.hpp), so that each new page is written once.
#include <fmt/format.h>

#include <array>
#include <optional>
#include <span>
#include <string>

#include "store/job_key_filter.hpp"
#include "store/job_state.hpp"
#include "store/queue_statements.hpp"
#include "store/sqlite_journal.hpp"
#include "store/sqlite_queue.hpp"
#include "store/sqlite_spill.hpp"

namespace oneall::store {
namespace {

// jobs_by_object is rebuilt rather than kept once an import has added this many rows and at
// least an eighth of the jobs already queued: a rebuild reads the whole table once, while each
// kept insert lands at a random page of the index.
constexpr std::int64_t kRebuildObjectIndexAfter = 50'000;

// Past this many lookups of job keys, and once they number a thirty-second of the jobs already
// queued, the keys queued are read once into a JobKeyFilter: a lookup that finds nothing (each
// key of a new job) reads a random page of job_keys, some 40 times what reading one key in order
// costs. Those lookups were a quarter of importing a new million rows into a queue that held a
// million; past an eighth of it (125,000 lookups before the filter) they were still 0.2-0.3 s.
constexpr std::int64_t kFilterKeysAfter = 50'000;
constexpr std::int64_t kFilterKeysAfterFractionOfQueue = 32;

// Jobs go into the table 64 to a statement (add_all): a statement per job spent about a third of
// the import in SQLite's work per statement (bench/README.md, "import"). What is left of a
// chunk goes 8 and then 1 to a statement.
constexpr std::array<std::size_t, 3> kJobsPerInsert = {64, 8, 1};
constexpr int kParamsPerJob = 16;  // bind_job's

// INSERT INTO jobs … VALUES (…), (…), … for `jobs` jobs, each taking kParamsPerJob parameters in
// bind_job's order. A job's next_attempt_at is its not_before, and it waits for it when it has
// one (schema 13).
std::string insert_jobs_sql(std::size_t jobs) {
  std::string sql =
      "INSERT OR FAIL INTO jobs (id, batch_id, job_key, object_hash, source, op, target, "
      "identity, page_id, object_id, method, path, body, updated_at, next_attempt_at, "
      "not_before, expires_at, waiting) VALUES ";
  for (std::size_t job = 0; job < jobs; ++job) {
    const int p = static_cast<int>(job) * kParamsPerJob;
    sql += job == 0 ? "(" : ", (";
    for (int column = 1; column <= 14; ++column) sql += fmt::format("?{}, ", p + column);
    sql += fmt::format("COALESCE(?{0}, 0), ?{0}, ?{1}, ?{0} IS NOT NULL)", p + 15, p + 16);
  }
  return sql;
}

std::int64_t single_integer(Database& db, const char* sql) {
  Statement select(db, sql);
  return select.step() ? select.column_int(0) : 0;
}

// One import: its transaction holds everything it added, so destroying the session before
// commit() rolls all of it back.
class SqliteImportSession final : public Queue::ImportSession {
 public:
  SqliteImportSession(Database& db, QueueStatements& statements, const Clock& clock)
      : db_(db),
        statements_(statements),
        clock_(clock),
        journal_(db),
        temp_files_(db),
        foreign_keys_off_(db),
        transaction_(db),
        // A row only for a key already queued: the state its job is in.
        queued_state_(db, "SELECT CASE WHEN " + in_flight_sql("j.id") +
                              " THEN 'running' ELSE j.state END FROM job_keys AS k "
                              "JOIN jobs AS j ON j.id = k.job_id WHERE k.job_key = ?1"),
        inserts_{Insert(db, kJobsPerInsert[0]), Insert(db, kJobsPerInsert[1]),
                 Insert(db, kJobsPerInsert[2])} {}

  // Adds the batch's row and numbers the jobs after the last one queued.
  void start(const std::string& description);
  Status add_all(std::span<const NewJob> jobs) override;
  Result<ImportSummary> commit() override;

 private:
  // Whether a job with this key is queued already; if so, counts it as a duplicate.
  bool is_queued(const std::string& key);
  void read_queued_keys();
  // Binds `job` as the `slot`th of `insert`'s rows, with the next id. Its text is bound in
  // place: it must outlive the insert's run().
  void bind_job(Statement& insert, std::size_t slot, const NewJob& job, EpochMs now);
  // Runs `insert`, whose `jobs` rows were bound: they are new jobs.
  void run_insert(Statement& insert, std::size_t jobs);
  void drop_object_index_if_worth_it();
  void add_keys_in_key_order();
  void take_out_repeats_within_the_import();

  Database& db_;
  QueueStatements& statements_;
  const Clock& clock_;
  // These before transaction_: put back after it ended.
  RollbackJournalWhileFilling journal_;
  TempFilesOnDisk temp_files_;
  ForeignKeysOff foreign_keys_off_;
  Transaction transaction_;
  Statement queued_state_;
  struct Insert {
    Insert(Database& db, std::size_t rows) : jobs(rows), statement(db, insert_jobs_sql(rows)) {}
    std::size_t jobs;  // rows in one run of the statement
    Statement statement;
  };
  std::array<Insert, kJobsPerInsert.size()> inserts_;  // largest first; the last for one job
  std::int64_t batch_id_ = 0;
  std::int64_t jobs_before_ = 0;  // ids are 1..n without gaps: the largest is the count
  std::int64_t next_job_id_ = 1;
  std::int64_t lookups_ = 0;                 // of keys in job_keys, until queued_keys_ is read
  std::optional<JobKeyFilter> queued_keys_;  // the keys in job_keys before this import
  // jobs_by_object's own CREATE statement while this import has dropped it.
  std::optional<std::string> object_index_sql_;
  ImportSummary summary_;
  // Set when add() failed or commit() ran: the session accepts nothing more, so a caller
  // that carries on after an error cannot commit half an import.
  std::optional<std::string> closed_because_;
};

void SqliteImportSession::start(const std::string& description) {
  statements_.insert_batch.bind(1, clock_.now_ms()).bind(2, description).run();
  batch_id_ = db_.last_insert_rowid();
  jobs_before_ = single_integer(db_, "SELECT COALESCE(MAX(id), 0) FROM jobs");
  next_job_id_ = jobs_before_ + 1;
}

Status SqliteImportSession::add_all(std::span<const NewJob> jobs) {
  if (closed_because_) {
    return Error{fmt::format("cannot queue the jobs of {}: {}",
                             jobs.empty() ? "this import" : jobs.front().source, *closed_because_)};
  }
  // The jobs bound to the largest insert so far.
  Insert& largest = inserts_.front();
  std::array<const NewJob*, kJobsPerInsert[0]> bound{};
  std::size_t count = 0;
  std::size_t done = 0;  // of the `count` left after the largest statements, those queued
  try {
    const EpochMs now = clock_.now_ms();
    for (const NewJob& job : jobs) {
      if (is_queued(job.key)) continue;
      bind_job(largest.statement, count, job, now);
      bound[count++] = &job;
      if (count == largest.jobs) {
        run_insert(largest.statement, count);
        count = 0;
      }
    }
    // Fewer than the largest statement's worth left: bound again into the smaller ones, with the
    // ids they were given.
    next_job_id_ -= static_cast<std::int64_t>(count);
    for (Insert& insert : std::span(inserts_).subspan(1)) {
      for (; count - done >= insert.jobs; done += insert.jobs) {
        for (std::size_t slot = 0; slot < insert.jobs; ++slot) {
          bind_job(insert.statement, slot, *bound[done + slot], now);
        }
        run_insert(insert.statement, insert.jobs);
      }
    }
    return Ok{};
  } catch (const SqliteError& e) {
    closed_because_ = "an earlier job of this import could not be queued, so none of it will be";
    const std::string& source = count > done ? bound[done]->source : jobs.front().source;
    return store_error(e, fmt::format("queue the jobs of {} and after", source),
                       "nothing was queued");
  }
}

void SqliteImportSession::bind_job(Statement& insert, std::size_t slot, const NewJob& job,
                                   EpochMs now) {
  const int p = static_cast<int>(slot) * kParamsPerJob;
  insert.bind(p + 1, next_job_id_++)
      .bind(p + 2, batch_id_)
      .bind_blob(p + 3, job.key)
      .bind(p + 4, job.object_hash)
      .bind_borrowed(p + 5, job.source)
      .bind_borrowed(p + 6, api::op_name(job.action.op))
      .bind_borrowed(p + 7, api::target_name(job.action.target))
      .bind_borrowed(p + 8, job.action.identity)
      .bind_borrowed(p + 9, job.action.page_id)
      .bind_borrowed(p + 10, job.action.object_id)
      .bind_borrowed(p + 11, job.request.method)
      .bind_borrowed(p + 12, job.request.path)
      .bind_borrowed(p + 13, job.request.body)
      .bind(p + 14, now)
      .bind(p + 15, job.schedule.not_before)
      .bind(p + 16, job.schedule.expires_at);
}

void SqliteImportSession::run_insert(Statement& insert, std::size_t jobs) {
  insert.run();
  summary_.new_jobs += static_cast<std::int64_t>(jobs);
  drop_object_index_if_worth_it();
}

bool SqliteImportSession::is_queued(const std::string& key) {
  // Into an empty queue nothing is queued already (repeats within the import are found at
  // commit): no lookup. Neither for a key the filter says is not there.
  if (jobs_before_ == 0) return false;
  if (queued_keys_ && !queued_keys_->may_hold(key)) return false;
  if (!queued_keys_ && ++lookups_ >= kFilterKeysAfter &&
      lookups_ >= jobs_before_ / kFilterKeysAfterFractionOfQueue) {
    read_queued_keys();
    if (!queued_keys_->may_hold(key)) return false;
  }
  queued_state_.bind_blob(1, key);
  const bool queued = queued_state_.step();
  if (queued) {
    ++summary_.duplicates;
    if (auto state = parse_state(queued_state_.column_text(0))) {
      ++summary_.duplicates_by_state[*state];
    }
  }
  queued_state_.reset();
  return queued;
}

void SqliteImportSession::read_queued_keys() {
  queued_keys_.emplace(jobs_before_);
  Statement keys(db_, "SELECT job_key FROM job_keys");
  while (keys.step()) queued_keys_->add(keys.column_text(0));
}

void SqliteImportSession::drop_object_index_if_worth_it() {
  if (object_index_sql_ || summary_.new_jobs < kRebuildObjectIndexAfter ||
      summary_.new_jobs < jobs_before_ / 8) {
    return;
  }
  Statement sql(db_,
                "SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = "
                "'jobs_by_object'");
  if (!sql.step()) return;
  object_index_sql_ = sql.column_text(0);
  sql.reset();
  db_.exec("DROP INDEX jobs_by_object");
}

void SqliteImportSession::add_keys_in_key_order() {
  // Keys already queued were skipped in add(), so a conflict here is a job repeated within this
  // import: its first occurrence (the lower id) comes first in this order and keeps the key.
  Statement insert(db_,
                   "INSERT OR FAIL INTO job_keys (job_key, job_id) SELECT job_key, id FROM jobs "
                   "WHERE id > ?1 ORDER BY job_key, id ON CONFLICT DO NOTHING");
  insert.bind(1, jobs_before_).run();
  if (db_.changes() < summary_.new_jobs) take_out_repeats_within_the_import();
}

// A job repeated within the import went into jobs as if new, each time: the repeats leave
// again, counted as already queued (pending: their first occurrence is), and the jobs after
// them move down so that ids stay without gaps, in file order. Rare (a file that lists a job
// twice), so done plainly.
void SqliteImportSession::take_out_repeats_within_the_import() {
  db_.exec("CREATE TEMP TABLE import_repeats (id INTEGER PRIMARY KEY)");
  Statement find(
      db_,
      "INSERT INTO temp.import_repeats (id) SELECT j.id FROM jobs AS j "
      "JOIN job_keys AS k ON k.job_key = j.job_key WHERE j.id > ?1 AND k.job_id <> j.id");
  find.bind(1, jobs_before_).run();
  const int repeats = db_.changes();
  db_.exec(
      "DELETE FROM jobs WHERE id IN (SELECT id FROM temp.import_repeats);"
      // Ascending ids, each moved down by the repeats before it: its new id was freed by a
      // repeat or by a job already moved.
      "UPDATE jobs SET id = id - (SELECT COUNT(*) FROM temp.import_repeats AS r "
      "WHERE r.id < jobs.id) WHERE id > (SELECT MIN(id) FROM temp.import_repeats);"
      "UPDATE job_keys SET job_id = job_id - (SELECT COUNT(*) FROM temp.import_repeats AS r "
      "WHERE r.id < job_keys.job_id) WHERE job_id > (SELECT MIN(id) FROM temp.import_repeats);"
      "DROP TABLE temp.import_repeats");
  summary_.new_jobs -= repeats;
  summary_.duplicates += repeats;
  summary_.duplicates_by_state[JobState::kPending] += repeats;
}

Result<ImportSummary> SqliteImportSession::commit() {
  if (closed_because_) {
    return Error{fmt::format("cannot commit the import: {}", *closed_because_)};
  }
  closed_because_ = "this import was already committed";
  try {
    {
      // The sorts below take as much memory as the page cache may hold (SQLite sizes its
      // sorter's runs by cache_size), per sorting thread, on top of the cache already filled:
      // sqlite_spill.hpp keeps them within the import's memory bound; the runs spill to
      // temporary files.
      SortInBoundedMemory sorting(db_);
      if (summary_.new_jobs > 0) add_keys_in_key_order();
      if (object_index_sql_) db_.exec(*object_index_sql_);
    }
    // A batch that added nothing is noise in `status`: keep no row for it, and report batch 0.
    if (summary_.new_jobs == 0) {
      statements_.delete_batch.bind(1, batch_id_).run();
      summary_.batch_id = 0;
    } else {
      summary_.batch_id = batch_id_;
    }
    transaction_.commit();
    return summary_;
  } catch (const SqliteError& e) {
    closed_because_ = "its commit failed";
    return store_error(e, "commit the import", "nothing was queued");
  }
}

}  // namespace

Result<std::unique_ptr<Queue::ImportSession>> SqliteQueue::begin_import(
    const std::string& description) {
  try {
    auto session = std::make_unique<SqliteImportSession>(db_, *statements_, clock_);
    session->start(description);
    return std::unique_ptr<Queue::ImportSession>(std::move(session));
  } catch (const SqliteError& e) {
    return store_error(e, fmt::format("start an import into {}", path_));
  }
}

}  // namespace oneall::store
