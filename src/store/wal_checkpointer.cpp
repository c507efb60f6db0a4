#include "store/wal_checkpointer.hpp"

#include <pthread.h>
#include <sqlite3.h>

#include <chrono>

namespace oneall::store {

WalCheckpointer::WalCheckpointer(Database& queue_db, const std::string& path)
    : queue_db_(queue_db), db_(Database::open(path, Database::Create::kNever)) {
  // A connection learns that the file is in WAL mode on its first read; until then SQLite
  // treats a checkpoint on it as a no-op.
  db_.exec("SELECT count(*) FROM sqlite_schema");
  queue_db_.exec("PRAGMA wal_autocheckpoint=0");
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "oneall-ckpt");  // as top -H and perf show it
    checkpoint_until_stopped();
  });
}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
  try {
    queue_db_.exec("PRAGMA wal_autocheckpoint=1000");  // SQLite's default
  } catch (const SqliteError&) {
    // Only a connection in a broken state refuses this; closing it checkpoints anyway.
  }
}

void WalCheckpointer::checkpoint_until_stopped() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, std::chrono::milliseconds(kEveryMs), [this] { return stop_; })) {
    int log_pages = 0;
    int copied_pages = 0;
    sqlite3_wal_checkpoint_v2(db_.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log_pages,
                              &copied_pages);
    if (log_pages > kRestartPages) {
      sqlite3_wal_checkpoint_v2(db_.handle(), nullptr, SQLITE_CHECKPOINT_RESTART, &log_pages,
                                &copied_pages);
    }
  }
}

}  // namespace oneall::store
