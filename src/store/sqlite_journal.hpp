// The journal a SQLite queue writes through. A queue lives in WAL mode, so that `status` reads
// while a run writes. An import into a queue created by the same command (nobody else can be
// reading it yet) writes through a rollback journal instead: new pages then go straight into the
// file, once, rather than into the log first and into the file again at the checkpoint
// (bench/README.md, "import"). A crash in between leaves a journal that the next open rolls back.
#pragma once

#include <string>

#include "store/sqlite.hpp"

namespace oneall::store {

// Sets WAL mode; throws SqliteError when the file system cannot have it (no shared memory).
void use_write_ahead_log(Database& db, const std::string& path);

// For as long as one of these lives, outside any transaction: a rollback journal (when SQLite
// can switch, that is when no other connection has the file open), then WAL again.
class RollbackJournalWhileFilling {
 public:
  explicit RollbackJournalWhileFilling(Database& db);
  ~RollbackJournalWhileFilling();
  RollbackJournalWhileFilling(const RollbackJournalWhileFilling&) = delete;
  RollbackJournalWhileFilling& operator=(const RollbackJournalWhileFilling&) = delete;

 private:
  Database& db_;
  bool switched_ = false;
};

}  // namespace oneall::store
