// RAII owners for SQLite (after SQLiteCpp): a Database owns its sqlite3*, a Statement its
// sqlite3_stmt* (prepared once, re-bound and reset for each use), a Transaction rolls back in
// its destructor unless committed. No raw sqlite3 handle lives outside this file's classes.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "util/result.hpp"

struct sqlite3;
struct sqlite3_stmt;
struct sqlite3_backup;

namespace oneall::store {

// Thrown for SQLite failures that are not part of normal life inside the store; the Queue
// turns them into Error values at its boundary, with what it was doing.
class SqliteError : public std::runtime_error {
 public:
  SqliteError(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

// The error's message, plus what to do when it is the storage itself that failed (disk full,
// read-only file or mount, I/O error): those stop a run with exit 5, and the user must act.
std::string describe(const SqliteError& error);

// The one way a store failure becomes the Error a command shows: "cannot DOING: " SQLite's
// message with describe()'s advice, then "; CONSEQUENCE" when given (such as "nothing was
// queued"). Every catch site of the store uses it, so no path drops the advice another gives.
Error store_error(const SqliteError& error, std::string_view doing,
                  std::string_view consequence = {});

class Database {
 public:
  enum class Create { kIfMissing, kNever };
  // Opens the file at `path` (creating it if missing and `create` allows), with a busy timeout
  // and foreign keys on.
  static Database open(const std::string& path, Create create = Create::kIfMissing);

  void exec(std::string_view sql);  // one or more statements, no results
  // Makes the statement running on another thread fail (SQLITE_INTERRUPT), and every later
  // wait for a lock give up at once. The one member safe to call from another thread.
  void interrupt() const;
  std::int64_t last_insert_rowid() const;
  int changes() const;
  // Whether a statement that finds the database locked waits for the lock (up to the busy
  // timeout: the default) or fails at once with SQLITE_BUSY.
  void wait_when_busy(bool wait);
  sqlite3* handle() const { return db_.get(); }

 private:
  struct Closer {
    void operator()(sqlite3* db) const;
  };
  explicit Database(sqlite3* db) : db_(db) {}
  static int wait_while_busy(void* interrupted, int times_called);
  // On the heap: the busy handler holds its address, which must survive moves of Database.
  // Before db_, so that it outlives the connection.
  std::unique_ptr<std::atomic<bool>> interrupted_ = std::make_unique<std::atomic<bool>>(false);
  std::unique_ptr<sqlite3, Closer> db_;
};

class Statement {
 public:
  // Exactly one SQL statement; trailing text other than whitespace is a programming error.
  Statement(const Database& db, std::string_view sql);

  // Binding is 1-based, as in SQLite. std::nullopt binds NULL.
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const std::string& text) {
    return bind(index, std::string_view(text));
  }
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  // Binds text SQLite reads in place instead of copying: it must stay alive and unchanged until
  // the statement is reset (run() resets it). For rows whose values outlive the statement's run.
  Statement& bind_borrowed(int index, std::string_view text);
  Statement& bind(int index, std::nullopt_t);
  // Binds `bytes` as a BLOB (the stored job key), not as TEXT.
  Statement& bind_blob(int index, std::string_view bytes);
  template <class T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind(index, std::nullopt);
  }

  bool step();   // true while a row is available; false when done
  void reset();  // clears bindings too, ready for the next use
  void run() {   // step to completion, then reset
    while (step()) {
    }
    reset();
  }

  bool is_null(int column) const;
  int column_count() const;  // columns of each result row
  std::int64_t column_int(int column) const;
  std::string column_text(int column) const;  // "" for NULL
  std::optional<std::int64_t> column_optional_int(int column) const;

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* stmt) const;
  };
  // Errors are read through sqlite3_db_handle(stmt_), so no pointer to a Database (which may
  // be moved) is kept here.
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
};

class Transaction {
 public:
  // kWrite: BEGIN IMMEDIATE, which takes the write lock now, so a busy database fails here and
  // not halfway. kRead: BEGIN, for reads that must see one snapshot across several statements
  // (never committed: the destructor ends it).
  enum class Mode { kWrite, kRead };
  explicit Transaction(Database& db, Mode mode = Mode::kWrite);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

// Foreign keys unchecked for as long as one of these lives. The pragma is a no-op inside a
// transaction: make one before the transaction begins, end it after it ended. Statements prepared
// meanwhile are prepared again when they next run after it ended.
class ForeignKeysOff {
 public:
  explicit ForeignKeysOff(Database& db);
  ~ForeignKeysOff();
  ForeignKeysOff(const ForeignKeysOff&) = delete;
  ForeignKeysOff& operator=(const ForeignKeysOff&) = delete;

 private:
  Database& db_;
};

// SQLite's online backup (sqlite3_backup_*) of `source`'s main database into `dest`'s, a few
// pages per step(). Both connections must outlive it; the destructor finishes it (a backup not
// done leaves `dest` as it was before the first step wrote, or part-written: callers write into
// a file that only takes its real name once done).
class Backup {
 public:
  Backup(Database& dest, Database& source);
  // Copies up to `pages` more pages; true once every page is copied.
  bool step(int pages);
  std::int64_t remaining() const;
  std::int64_t page_count() const;

 private:
  struct Finisher {
    void operator()(sqlite3_backup* backup) const;
  };
  std::unique_ptr<sqlite3_backup, Finisher> backup_;
  sqlite3* dest_;  // for error messages
};

}  // namespace oneall::store
