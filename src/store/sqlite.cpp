#include "store/sqlite.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <cctype>

namespace oneall::store {
namespace {

constexpr int kBusyTimeoutMs = 5000;
constexpr int kBusyStepMs = 5;  // how long one wait for a lock sleeps before looking again
constexpr std::size_t kSqlExcerpt = 80;

// Before SQLite's first use in the process, once: no memory statistics. With them on (the
// default) every allocation SQLite makes takes a process-wide mutex to count itself: 5.5 % of
// the writer's instructions (bench/README.md). Nothing here reads them. sqlite3_config refuses
// (SQLITE_MISUSE) once SQLite is initialised, which only costs the speed.
void configure_sqlite_once() {
  static const bool configured = [] {
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
}

// The start of `sql` on one line, for error messages: enough to recognise the statement.
std::string excerpt(std::string_view sql) {
  std::string out;
  bool space = false;
  for (char c : sql) {
    if (std::isspace(static_cast<unsigned char>(c)) != 0) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
    if (out.size() >= kSqlExcerpt) return out + "…";
  }
  return out;
}

[[noreturn]] void throw_error(sqlite3* db, int code, std::string_view context) {
  const char* message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
  throw SqliteError(code, fmt::format("{}: {}", context, message));
}

}  // namespace

std::string describe(const SqliteError& error) {
  switch (error.code() & 0xff) {  // the primary code of an extended one
    case SQLITE_FULL:
      return fmt::format(
          "{} (the disk holding the queue is full: free some space and run again; "
          "everything recorded so far is kept)",
          error.what());
    case SQLITE_READONLY:
      return fmt::format(
          "{} (the queue database is read-only: check the file's and its "
          "directory's permissions and the mount, then run again)",
          error.what());
    case SQLITE_BUSY:
      return fmt::format(
          "{} (another process held the queue's lock for longer than this one waits, {} s: an "
          "import of a large file, perhaps; run again once it is done)",
          error.what(), kBusyTimeoutMs / 1000);
    case SQLITE_IOERR:
      return fmt::format("{} (the system could not read or write the queue: check the disk)",
                         error.what());
    default:
      return error.what();
  }
}

Error store_error(const SqliteError& error, std::string_view doing, std::string_view consequence) {
  std::string message = fmt::format("cannot {}: {}", doing, describe(error));
  if (!consequence.empty()) message += fmt::format("; {}", consequence);
  return Error{std::move(message)};
}

void Database::Closer::operator()(sqlite3* db) const { sqlite3_close_v2(db); }

// SQLite's busy timeout, waited in short steps so that interrupt() ends the wait too (SQLite's
// own sqlite3_interrupt does not reach a connection sleeping in its busy handler).
int Database::wait_while_busy(void* interrupted, int times_called) {
  if (static_cast<std::atomic<bool>*>(interrupted)->load()) return 0;
  if (times_called * kBusyStepMs >= kBusyTimeoutMs) return 0;
  sqlite3_sleep(kBusyStepMs);
  return 1;
}

void Database::wait_when_busy(bool wait) {
  sqlite3_busy_handler(db_.get(), wait ? &Database::wait_while_busy : nullptr,
                       wait ? interrupted_.get() : nullptr);
}

void Database::interrupt() const {
  interrupted_->store(true);
  sqlite3_interrupt(db_.get());
}

// NOMUTEX: SQLite does not lock the connection on every call. A connection is only ever used by
// one thread at a time (the run hands its queue between the loop and the writer under a mutex;
// the checkpointer has a connection of its own), which is all multi-thread mode asks.
Database Database::open(const std::string& path, Create create) {
  configure_sqlite_once();
  sqlite3* raw = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
                    (create == Create::kIfMissing ? SQLITE_OPEN_CREATE : 0);
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Database db(raw);  // owns the handle even when opening failed
  if (rc != SQLITE_OK) throw_error(raw, rc, path);
  sqlite3_extended_result_codes(raw, 1);
  db.wait_when_busy(true);
  db.exec("PRAGMA foreign_keys=ON");
  return db;
}

void Database::exec(std::string_view sql) {
  const std::string text(sql);
  char* message = nullptr;
  const int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string why = message != nullptr ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    throw SqliteError(rc, fmt::format("running `{}`: {}", excerpt(sql), why));
  }
}

std::int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_.get()); }

int Database::changes() const { return sqlite3_changes(db_.get()); }

void Statement::Finalizer::operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }

Statement::Statement(const Database& db, std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v3(db.handle(), sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &raw, &tail);
  stmt_.reset(raw);
  if (rc != SQLITE_OK) throw_error(db.handle(), rc, fmt::format("preparing `{}`", excerpt(sql)));
  const std::string_view rest =
      tail != nullptr ? sql.substr(static_cast<std::size_t>(tail - sql.data())) : "";
  if (raw == nullptr || !excerpt(rest).empty()) {
    // Only the first statement would ever run: a programming error, caught at the first use.
    throw SqliteError(SQLITE_MISUSE,
                      fmt::format("preparing `{}`: expected exactly one statement", excerpt(sql)));
  }
}

Statement& Statement::bind(int index, std::int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_.get(), index, value);
  if (rc != SQLITE_OK) throw_error(sqlite3_db_handle(stmt_.get()), rc, "bind");
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  const int rc = sqlite3_bind_text(stmt_.get(), index, text.data(), static_cast<int>(text.size()),
                                   SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) throw_error(sqlite3_db_handle(stmt_.get()), rc, "bind");
  return *this;
}

Statement& Statement::bind_borrowed(int index, std::string_view text) {
  const int rc = sqlite3_bind_text(stmt_.get(), index, text.data(), static_cast<int>(text.size()),
                                   SQLITE_STATIC);
  if (rc != SQLITE_OK) throw_error(sqlite3_db_handle(stmt_.get()), rc, "bind");
  return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
  const int rc = sqlite3_bind_blob(stmt_.get(), index, bytes.data(), static_cast<int>(bytes.size()),
                                   SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) throw_error(sqlite3_db_handle(stmt_.get()), rc, "bind");
  return *this;
}

Statement& Statement::bind(int index, std::nullopt_t) {
  const int rc = sqlite3_bind_null(stmt_.get(), index);
  if (rc != SQLITE_OK) throw_error(sqlite3_db_handle(stmt_.get()), rc, "bind");
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  // Read the message before resetting, then leave the statement ready for its next use.
  const std::string message = fmt::format("running `{}`: {}", excerpt(sqlite3_sql(stmt_.get())),
                                          sqlite3_errmsg(sqlite3_db_handle(stmt_.get())));
  reset();
  throw SqliteError(rc, message);
}

void Statement::reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

int Statement::column_count() const { return sqlite3_column_count(stmt_.get()); }

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL;
}

std::int64_t Statement::column_int(int column) const {
  return sqlite3_column_int64(stmt_.get(), column);
}

std::string Statement::column_text(int column) const {
  const auto* text = sqlite3_column_text(stmt_.get(), column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), column)));
}

std::optional<std::int64_t> Statement::column_optional_int(int column) const {
  if (is_null(column)) return std::nullopt;
  return column_int(column);
}

Transaction::Transaction(Database& db, Mode mode) : db_(db) {
  db_.exec(mode == Mode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN");
}

Transaction::~Transaction() {
  if (done_) return;
  try {
    db_.exec("ROLLBACK");
  } catch (const SqliteError&) {
    // The transaction may already be gone (SQLite rolls back by itself on some errors).
  }
}

void Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

ForeignKeysOff::ForeignKeysOff(Database& db) : db_(db) { db_.exec("PRAGMA foreign_keys=OFF"); }

ForeignKeysOff::~ForeignKeysOff() {
  try {
    db_.exec("PRAGMA foreign_keys=ON");
  } catch (const SqliteError&) {  // cannot fail outside a transaction; nothing to do if it did
  }
}

void Backup::Finisher::operator()(sqlite3_backup* backup) const { sqlite3_backup_finish(backup); }

Backup::Backup(Database& dest, Database& source) : dest_(dest.handle()) {
  backup_.reset(sqlite3_backup_init(dest.handle(), "main", source.handle(), "main"));
  if (!backup_) {
    const int rc = sqlite3_errcode(dest_);
    throw SqliteError(rc, fmt::format("starting the backup: {}", sqlite3_errmsg(dest_)));
  }
}

bool Backup::step(int pages) {
  const int rc = sqlite3_backup_step(backup_.get(), pages);
  if (rc == SQLITE_DONE) return true;
  if (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED) return false;  // step again
  throw SqliteError(rc, fmt::format("copying pages: {}", sqlite3_errstr(rc)));
}

std::int64_t Backup::remaining() const { return sqlite3_backup_remaining(backup_.get()); }

std::int64_t Backup::page_count() const { return sqlite3_backup_pagecount(backup_.get()); }

}  // namespace oneall::store
