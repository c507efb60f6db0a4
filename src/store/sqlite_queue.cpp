// SqliteQueue::open and the queue's lifetime: the file, its pragmas, its schema, its statements.
#include "store/sqlite_queue.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "store/migrations.hpp"
#include "store/queue_statements.hpp"
#include "store/sqlite_journal.hpp"
#include "store/wal_checkpointer.hpp"
#include "util/file_descriptor.hpp"

namespace oneall::store {
namespace {

// The queue holds request bodies of users' accounts: a new file is readable by its owner only,
// whatever the umask. SQLite gives its -wal and -shm files the same mode as the database file.
// An existing file keeps the mode its owner gave it.
// Returns whether it created the file.
Result<bool> create_private_file(const std::string& path) {
  const FileDescriptor fd(::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd.valid()) {
    if (errno == EEXIST) return false;
    return Error{fmt::format("cannot open queue database {}: {}", path, std::strerror(errno))};
  }
  if (::fchmod(fd.get(), 0600) != 0) {
    return Error{
        fmt::format("cannot make queue database {} private: {}", path, std::strerror(errno))};
  }
  return true;
}

}  // namespace

SqliteQueue::SqliteQueue(std::string path, Database db, const Clock& clock, bool created_now)
    : path_(std::move(path)),
      created_now_(created_now),
      db_(std::move(db)),
      clock_(clock),
      statements_(std::make_unique<QueueStatements>(db_)) {}

SqliteQueue::~SqliteQueue() = default;

Result<std::unique_ptr<SqliteQueue>> SqliteQueue::open(const std::string& path, const Clock& clock,
                                                       QueueOpen how) {
  bool created_now = false;
  if (how == QueueOpen::kCreateIfMissing) {
    auto created = create_private_file(path);
    if (!created) return created.error();
    created_now = *created;
  }
  try {
    Database db =
        Database::open(path, how == QueueOpen::kCreateIfMissing ? Database::Create::kIfMissing
                                                                : Database::Create::kNever);
    // 8 KiB pages for a new queue, where SQLite's default is 4 KiB: a page is written with one
    // system call, and an import of a million jobs made half as many (0.15 s less system time,
    // about 6 % faster, 4 MiB less peak memory); a run against nginx sent as many requests a
    // second or more (bench/README.md, "import"). Only a new file can take it: a queue keeps the
    // page size it was made with.
    if (created_now) db.exec("PRAGMA page_size = 8192");
    // WAL lets `status` read while a run writes.
    use_write_ahead_log(db, path);
    // WAL with synchronous=NORMAL: a commit survives the process dying at any moment (the
    // crash model here); only an OS crash or power loss may lose the last commits, never
    // corrupt the file.
    db.exec("PRAGMA synchronous=NORMAL");
    db.exec(kQueueCacheSize);
    // A claim changes many rows in one statement inside a transaction, so SQLite keeps a
    // statement journal to undo just that statement; past 64 KiB it went to a temporary file
    // (34 MB written, ~300 files created and unlinked per 20,000 jobs). In memory it is a few
    // pages per claim.
    db.exec("PRAGMA temp_store=MEMORY");
    if (auto migrated = migrate(db); !migrated) {
      return Error{
          fmt::format("cannot open queue database {}: {}", path, migrated.error().message)};
    }
    return std::make_unique<SqliteQueue>(path, std::move(db), clock, created_now);
  } catch (const SqliteError& e) {
    return store_error(e, fmt::format("open queue database {}", path));
  }
}

void SqliteQueue::interrupt() { db_.interrupt(); }

Result<std::unique_ptr<RunUpkeep>> SqliteQueue::start_run_upkeep() {
  try {
    return std::unique_ptr<RunUpkeep>(std::make_unique<WalCheckpointer>(db_, path_));
  } catch (const SqliteError& e) {
    return store_error(e, fmt::format("open a second connection to {} for checkpoints", path_));
  }
}

}  // namespace oneall::store
