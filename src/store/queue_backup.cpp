// SqliteQueue::backup_to, for `backup` (docs/cli.md#backup): SQLite's online backup of the queue
// into a new file while a run may go on writing.
//
// The steps copy from one read snapshot: a read transaction stays open on the source connection
// across them. Without it, every commit of the run between two steps would make SQLite start
// the backup over, and a busy run would keep it from ever ending. In WAL mode a reader never
// blocks the writer, so the run goes on meanwhile; only the log's checkpoints cannot pass the
// snapshot until the backup ends, so the log grows for that long. The pages go into DEST.partial,
// which is synced and takes DEST's name only when complete, so DEST is never half a copy.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

#include "store/sqlite_queue.hpp"
#include "util/file_descriptor.hpp"

namespace oneall::store {
namespace {

constexpr int kPagesPerStep = 1024;  // 4 MiB of 4 KiB pages: a short step, progress to show

Status sync_path(const std::string& path, int flags) {
  FileDescriptor fd(::open(path.c_str(), flags | O_CLOEXEC));
  if (!fd.valid() || ::fsync(fd.get()) != 0) {
    return Error{fmt::format("cannot sync {}: {}", path, std::strerror(errno))};
  }
  return Ok{};
}

}  // namespace

Status SqliteQueue::backup_to(const std::string& dest,
                              const std::function<void(std::int64_t, std::int64_t)>& progress) {
  struct stat existing {};
  if (::lstat(dest.c_str(), &existing) == 0) {
    return Error{fmt::format(
        "{} already exists: backup writes only a new file; name another, or remove that one "
        "first",
        dest)};
  }
  const std::string partial = dest + ".partial";
  std::error_code ignored;
  std::filesystem::remove(partial, ignored);  // a leftover of a backup that was killed
  try {
    {
      Database copy = Database::open(partial, Database::Create::kIfMissing);
      Transaction snapshot(db_, Transaction::Mode::kRead);
      Statement start(db_, "SELECT COUNT(*) FROM sqlite_schema");  // the snapshot starts here
      start.step();
      Backup backup(copy, db_);
      std::int64_t copied_before = -1;
      while (!backup.step(kPagesPerStep)) {
        const std::int64_t total = backup.page_count();
        const std::int64_t copied = total - backup.remaining();
        progress(copied, total);
        if (copied == copied_before) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        copied_before = copied;
      }
      progress(backup.page_count(), backup.page_count());
    }  // the backup finishes, then the copy's connection closes
    if (auto synced = sync_path(partial, O_RDONLY); !synced) return synced;
    if (::rename(partial.c_str(), dest.c_str()) != 0) {
      return Error{fmt::format("cannot name the backup {}: {}", dest, std::strerror(errno))};
    }
    const std::filesystem::path folder = std::filesystem::absolute(dest).parent_path();
    return sync_path(folder.string(), O_RDONLY | O_DIRECTORY);
  } catch (const SqliteError& e) {
    std::filesystem::remove(partial, ignored);
    return store_error(e, fmt::format("back {} up into {}", path_, dest), "no backup was written");
  }
}

}  // namespace oneall::store
