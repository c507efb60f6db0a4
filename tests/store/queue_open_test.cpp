// Queue::open: the file it creates, the modes it sets, what it refuses, and how it reports.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "store/queue.hpp"
#include "store/store_test_helpers.hpp"

namespace oneall::store {
namespace {

using namespace oneall::store::testing;

unsigned file_mode(const std::string& path) {
  struct stat info {};
  EXPECT_EQ(stat(path.c_str(), &info), 0) << path;
  return info.st_mode & 0777;
}

// Sets the process umask for one scope.
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : old_(umask(mask)) {}
  ~ScopedUmask() { umask(old_); }
  ScopedUmask(const ScopedUmask&) = delete;
  ScopedUmask& operator=(const ScopedUmask&) = delete;

 private:
  mode_t old_;
};

TEST_F(QueueTest, DatabaseIsInWalModeWithNormalSyncAndStatementJournalsInMemory) {
  EXPECT_EQ(sql_text("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(sql_int("PRAGMA synchronous"), 1);  // NORMAL
  EXPECT_EQ(sql_int("PRAGMA temp_store"), 2);   // MEMORY
  EXPECT_EQ(sql_int("PRAGMA foreign_keys"), 1);
}

// A queue made now has 8 KiB pages (sqlite_queue.cpp: half the writes of SQLite's 4 KiB).
TEST_F(QueueTest, ANewQueueHasEightKibPages) { EXPECT_EQ(sql_int("PRAGMA page_size"), 8192); }

TEST(QueueOpen, NewDatabaseAndItsWalAreOwnerOnlyWhateverTheUmask) {
  // 000 would let a plain create make it world-readable; 0277 would make it read-only.
  for (mode_t mask : {mode_t{0}, mode_t{0277}}) {
    oneall::testing::TempDir dir;
    ManualClock clock;
    const std::string path = dir.file("queue.db");
    ScopedUmask scoped(mask);
    auto queue = SqliteQueue::open(path, clock);
    ASSERT_TRUE(queue.ok()) << "umask " << mask << ": " << queue.error().message;
    // An import into a queue created just now writes through a rollback journal; what is
    // written after it goes through the -wal file.
    import_all(**queue, {tweet_delete("1")});
    ASSERT_TRUE((*queue)->bind_api_root("https://example.invalid").ok());
    EXPECT_EQ(file_mode(path), 0600u) << "umask " << mask;
    EXPECT_EQ(file_mode(path + "-wal"), 0600u) << "umask " << mask;
  }
}

TEST(QueueOpen, AnExistingFileKeepsTheModeItsOwnerGaveIt) {
  oneall::testing::TempDir dir;
  ManualClock clock;
  const std::string path = dir.file("queue.db");
  { ASSERT_TRUE(SqliteQueue::open(path, clock).ok()); }
  ASSERT_EQ(chmod(path.c_str(), 0640), 0);  // shared with a group on purpose
  ASSERT_TRUE(SqliteQueue::open(path, clock).ok());
  EXPECT_EQ(file_mode(path), 0640u);
}

TEST_P(QueueBackendTest, ReopeningKeepsEverythingAndMigratesNothing) {
  import_all(*queue_, {tweet_delete("1"), tweet_delete("2")});
  const std::string version_sql =
      on_postgres() ? "SELECT MAX(version) FROM oneall_schema" : "PRAGMA user_version";
  const std::int64_t version = sql_int(version_sql);
  EXPECT_GE(version, 1);
  queue_.reset();
  auto reopened = open_again();
  ASSERT_TRUE(reopened.ok()) << reopened.error().message;
  queue_ = std::move(*reopened);
  EXPECT_FALSE(queue_->created_now());
  EXPECT_EQ(queue_->status()->by_state[JobState::kPending], 2);
  EXPECT_EQ(sql_int(version_sql), version);
}

TEST(QueueOpen, SaysWhichFileCannotBeOpened) {
  ManualClock clock;
  auto opened = SqliteQueue::open("/nonexistent-dir/queue.db", clock);
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().message.find("cannot open queue database /nonexistent-dir/queue.db"),
            std::string::npos)
      << opened.error().message;
}

TEST(QueueOpen, RefusesAFileThatIsNotADatabase) {
  oneall::testing::TempDir dir;
  ManualClock clock;
  const std::string path =
      dir.write("jobs.yaml", "jobs:\n  - op: delete\n" + std::string(600, '#'));
  auto opened = SqliteQueue::open(path, clock);
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().message.find(path), std::string::npos) << opened.error().message;
  EXPECT_NE(opened.error().message.find("not a database"), std::string::npos)
      << opened.error().message;
}

TEST_P(QueueBackendTest, RefusesADatabaseWrittenByANewerProgram) {
  exec(on_postgres() ? "INSERT INTO oneall_schema (version) VALUES (99)"
                     : "PRAGMA user_version = 99");
  queue_.reset();
  auto reopened = open_again();
  ASSERT_FALSE(reopened.ok());
  const std::string& message = reopened.error().message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  EXPECT_NE(message.find("cannot open queue database " + location()), std::string::npos) << message;
  EXPECT_NE(message.find("newer oneall-bulk (schema version 99"), std::string::npos) << message;
}

TEST_F(QueueTest, WaitsForABriefWriterInsteadOfFailing) {
  import_all(*queue_, {tweet_delete("1")});
  Database other = Database::open(db_path());
  auto holder = std::make_unique<Transaction>(other);  // another process writing
  std::thread finisher([&holder] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    holder->commit();
  });
  const std::int64_t run = start_run();
  EXPECT_EQ(claim_ids(run, 1), (std::vector<std::int64_t>{1}));
  finisher.join();
}

TEST_P(QueueBackendTest, ErrorsSayWhatTheQueueWasDoing) {
  import_all(*queue_, {tweet_delete("1")});
  const std::int64_t run = start_run();
  ASSERT_EQ(claim_ids(run, 1).size(), 1u);
  // Break the database under the queue: every use of the attempt log now fails.
  exec("DROP TABLE attempts");

  auto finished =
      queue_->finish(attempt_of(run, 1, 200, "succeeded"), {JobState::kSucceeded, 0, ""});
  ASSERT_FALSE(finished.ok());
  EXPECT_NE(finished.error().message.find("cannot record attempt 1 of job 1"), std::string::npos)
      << finished.error().message;
  EXPECT_NE(finished.error().message.find(on_postgres() ? "relation \"attempts\" does not exist"
                                                        : "no such table: attempts"),
            std::string::npos)
      << finished.error().message;
  EXPECT_EQ(job_state(1), "running");  // the transaction rolled back whole

  auto status = queue_->status();
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("cannot read the status of " + location()),
            std::string::npos)
      << status.error().message;
}

TEST_F(QueueTest, ExistingOnlyNeverCreatesAFileAndSaysTheQueueIsNotThere) {
  const std::string missing = dir_.file("typo.db");
  auto opened = SqliteQueue::open(missing, clock_, QueueOpen::kExistingOnly);
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().message.find(missing), std::string::npos) << opened.error().message;
  EXPECT_FALSE(std::filesystem::exists(missing));

  auto created = SqliteQueue::open(missing, clock_, QueueOpen::kCreateIfMissing);
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_TRUE((*created)->created_now());
  auto existing = SqliteQueue::open(missing, clock_, QueueOpen::kExistingOnly);
  ASSERT_TRUE(existing.ok()) << existing.error().message;
  EXPECT_FALSE((*existing)->created_now());
}

TEST_P(QueueBackendTest, TheFirstApiRootBindsTheQueueAndLaterOnesAreToldWhatItIs) {
  EXPECT_EQ(queue_->status()->api_root, std::nullopt);
  auto first = queue_->bind_api_root("sandbox");
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(*first, "sandbox");
  auto other = queue_->bind_api_root("https://site.api.oneall.com");
  ASSERT_TRUE(other.ok()) << other.error().message;
  EXPECT_EQ(*other, "sandbox") << "a bound queue keeps its root";
  EXPECT_EQ(queue_->status()->api_root, "sandbox");
}

}  // namespace
}  // namespace oneall::store
