// One run per database (docs/cli.md#run, exit 3): `run` holds an advisory lock — flock(2) on the
// sidecar file DB.lock, created 0600 — for as long as it works the queue. The kernel releases
// it when the process ends in any way (exit, crash, kill -9), so a stale lock cannot block the
// next cron run. While held, the file says who holds it (pid, host, start time), so a refused
// run can tell the user which process to wait for. The file itself is left in place: only the
// kernel lock means anything. Other commands (import, status, audit) take no lock; SQLite's
// busy timeout lets them work beside a run.
//
// Only a SQLite queue is locked so (store::Queue::runs_at_once): a PostgreSQL queue takes many
// runs at once, kept apart by their leases (docs/cli.md#many-runners).
#pragma once

#include <string>
#include <utility>

#include "util/clock.hpp"
#include "util/file_descriptor.hpp"
#include "util/result.hpp"

namespace oneall::cli {

class RunLock {
 public:
  // Tries once, without waiting. An Error is a system failure (cannot create or write the lock
  // file); a lock held by another process is not an error: owns_lock() is then false and
  // holder() says who it is.
  static Result<RunLock> try_acquire(const std::string& db_path, EpochMs now);

  // "DB.lock" beside the database.
  static std::string lock_path_for(const std::string& db_path);

  bool owns_lock() const { return fd_.valid(); }
  // When !owns_lock(): "pid 1234 on host web-1, since 2026-11-28T22:03:30.123Z", or a note that
  // the holder has not written its details yet.
  const std::string& holder() const { return holder_; }
  const std::string& path() const { return path_; }

  // Moves; closing the file (when the owner goes) releases the lock.

 private:
  RunLock(std::string path, FileDescriptor fd, std::string holder)
      : path_(std::move(path)), fd_(std::move(fd)), holder_(std::move(holder)) {}
  std::string path_;
  FileDescriptor fd_;
  std::string holder_;
};

}  // namespace oneall::cli
