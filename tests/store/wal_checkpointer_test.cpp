// WalCheckpointer: while it lives, the queue's connection leaves checkpoints to it, and its own
// thread copies the log into the database file.
#include "store/wal_checkpointer.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>

#include "store/sqlite_queue.hpp"
#include "store/sqlite.hpp"
#include "support/temp_dir.hpp"
#include "util/clock.hpp"

namespace oneall::store {
namespace {

std::int64_t autocheckpoint_pages(SqliteQueue& queue) {
  Statement pragma(queue.database(), "PRAGMA wal_autocheckpoint");
  EXPECT_TRUE(pragma.step());
  return pragma.column_int(0);
}

class WalCheckpointerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = SqliteQueue::open(dir_.file("queue.db"), clock_);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    queue_ = std::move(*opened);
  }

  oneall::testing::TempDir dir_;
  SystemClock clock_;
  std::unique_ptr<SqliteQueue> queue_;
};

TEST_F(WalCheckpointerTest, TakesTheQueuesCheckpointsForItsLifetime) {
  EXPECT_EQ(autocheckpoint_pages(*queue_), 1000);
  {
    WalCheckpointer checkpointer(queue_->database(), queue_->path());
    EXPECT_EQ(autocheckpoint_pages(*queue_), 0);
  }
  EXPECT_EQ(autocheckpoint_pages(*queue_), 1000);
}

// The queue's connection no longer checkpoints, so only the checkpointer's thread can move
// what the queue writes from the log into the database file (during the writes or after them:
// under a sanitizer the writes are slow enough for several of its passes).
TEST_F(WalCheckpointerTest, CopiesWhatTheQueueWritesIntoTheDatabaseFile) {
  const std::string file = queue_->path();
  const auto before = std::filesystem::file_size(file);
  WalCheckpointer checkpointer(queue_->database(), queue_->path());
  queue_->database().exec("CREATE TABLE filler(b BLOB)");
  for (int i = 0; i < 20; ++i) {
    queue_->database().exec(
        "INSERT INTO filler SELECT zeroblob(3000) FROM (WITH RECURSIVE n(i) AS "
        "(SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) SELECT i FROM n)");
  }
  // Bounded wait: the thread checkpoints every kEveryMs.
  for (int waited_ms = 0; waited_ms < 5000; waited_ms += 10) {
    if (std::filesystem::file_size(file) > before + 2000u * 3000u) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GT(std::filesystem::file_size(file), before + 2000u * 3000u);
}

}  // namespace
}  // namespace oneall::store
