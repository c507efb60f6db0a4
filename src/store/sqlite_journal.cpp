#include "store/sqlite_journal.hpp"

#include <fmt/format.h>

namespace oneall::store {
namespace {

std::string set_journal_mode(Database& db, const char* mode) {
  Statement set(db, fmt::format("PRAGMA journal_mode={}", mode));
  return set.step() ? set.column_text(0) : "";
}

}  // namespace

// SQLite answers with the mode it could set; a file system without shared memory (some network
// mounts) keeps the old one.
void use_write_ahead_log(Database& db, const std::string& path) {
  const std::string got = set_journal_mode(db, "WAL");
  if (got != "wal") {
    throw SqliteError(0, fmt::format("write-ahead logging is not available there (journal mode "
                                     "stays '{}'); put {} on a local file system",
                                     got, path));
  }
}

RollbackJournalWhileFilling::RollbackJournalWhileFilling(Database& db) : db_(db) {
  // Only if nobody else has the file open now: waiting for them to close it could take as long
  // as a run.
  db_.wait_when_busy(false);
  try {
    switched_ = set_journal_mode(db_, "DELETE") == "delete";
  } catch (const SqliteError&) {  // another connection has it open: stay in WAL mode
  }
  db_.wait_when_busy(true);
}

RollbackJournalWhileFilling::~RollbackJournalWhileFilling() {
  if (!switched_) return;
  try {
    set_journal_mode(db_, "WAL");
  } catch (const SqliteError&) {
    // Only when another connection opened the file meanwhile: it set WAL mode as it opened
    // (SqliteQueue::open does, every time), or will once this connection closes.
  }
}

}  // namespace oneall::store
