// Copies the queue's write-ahead log back into the database file on a thread of its own, for
// the length of a run. SQLite's automatic checkpoint runs inside the commit that crosses 1,000
// WAL pages, in the committing thread: the sending loop would stall for the page copying and an
// fdatasync while every answer waits (bench/README.md, "runner"). Instead, while this object
// lives, the queue's own connection does not checkpoint, and this thread, on a connection of its
// own, runs a PASSIVE checkpoint every kEveryMs (it never waits for the writer) and a RESTART
// one (holding the writer back only for what little is left to copy) once the log has passed
// kRestartPages, so the log rewinds instead of growing through a long run. It shares nothing
// with the loop but the database file; a failed checkpoint loses nothing (the pages stay in the
// log, and the next one or the last connection's close copies them).
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "store/queue.hpp"
#include "store/sqlite.hpp"

namespace oneall::store {

// What SqliteQueue::start_run_upkeep starts.
class WalCheckpointer final : public RunUpkeep {
 public:
  static constexpr int kEveryMs = 100;
  static constexpr int kRestartPages = 4000;  // 16 MiB of log at 4 KiB pages

  // `queue_db` is the queue's own connection, to the file at `path`. Throws SqliteError if the
  // second connection cannot be opened or the queue's connection refuses the pragma.
  WalCheckpointer(Database& queue_db, const std::string& path);
  // Stops and joins the thread, then gives the queue's connection its automatic checkpoints
  // back.
  ~WalCheckpointer() override;
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

 private:
  void checkpoint_until_stopped();

  Database& queue_db_;
  Database db_;  // this thread's own connection
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;  // last: started once everything it uses exists
};

}  // namespace oneall::store
