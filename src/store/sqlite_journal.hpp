// The journal a SQLite queue writes through. A queue lives in WAL mode, so that `status` reads
// while a run writes. An import into a queue no other connection has open writes through a
// rollback journal instead (SQLite can leave WAL mode only then): each page it adds goes straight
// into the file, once, rather than into the log and again into the file at the checkpoint, and
// only the pages it changes are copied first, into the journal (bench/README.md, "import").
// The cost: a command that opens the queue while such an import writes waits for it to end (up
// to the busy timeout), where the log would have let it read the queue as it was before. A queue
// that another process has open (a run, `status`) keeps the log for the import.
// A crash in between leaves a journal that the next open rolls back.
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
