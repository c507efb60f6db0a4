// One run per database (docs/cli.md#run, exit 3): `run` holds an advisory lock — flock(2) on the
// sidecar file DB.lock, created 0600 — for as long as it works the queue. The kernel releases
// it when the process ends in any way (exit, crash, kill -9), so a stale lock cannot block the
// next cron run. While held, the file says who holds it (pid, host, start time), so a refused
// run can tell the user which process to wait for. The file itself is left in place: only the
// kernel lock means anything. Other commands (import, status, audit) take no lock; SQLite's
// busy timeout lets them work beside a run.
//
// A queue in PostgreSQL has no file to lock: there the lock is a session advisory lock
// (pg_try_advisory_lock) on a connection of its own that the run keeps open; the server
// releases it when the connection ends, which the death of the process does. Its holder is
// named by the connection's application_name.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "store/pg.hpp"
#include "util/clock.hpp"
#include "util/file_descriptor.hpp"
#include "util/result.hpp"

namespace oneall::cli {

class RunLock {
 public:
  // Tries once, without waiting. An Error is a system failure (cannot create or write the lock
  // file); a lock held by another process is not an error: owns_lock() is then false and
  // holder() says who it is.
  // `db_path` may be a PostgreSQL URI (then an Error is also a server it cannot reach).
  static Result<RunLock> try_acquire(const std::string& db_path, EpochMs now);

  // "DB.lock" beside the database.
  static std::string lock_path_for(const std::string& db_path);

  bool owns_lock() const { return fd_.valid() || pg_.has_value(); }
  // When !owns_lock(): "pid 1234 on host web-1, since 2026-11-28T22:03:30.123Z", or a note that
  // the holder has not written its details yet.
  const std::string& holder() const { return holder_; }
  const std::string& path() const { return path_; }

  // Moves; closing the file (when the owner goes) releases the lock.

 private:
  RunLock(std::string path, FileDescriptor fd, std::string holder)
      : path_(std::move(path)), fd_(std::move(fd)), holder_(std::move(holder)) {}
  static Result<RunLock> try_acquire_in_postgres(const std::string& uri, const std::string& shown);
  std::string path_;
  FileDescriptor fd_;
  std::string holder_;
  std::optional<store::PgConnection> pg_;  // holds the advisory lock while open
};

}  // namespace oneall::cli
