// Crash safety of a large import through the binary: an import killed with SIGKILL well into a
// file large enough for the bulk path (the per-object index dropped, keys not yet written;
// src/store/queue_import.cpp) leaves the queue as it was, and the same import then runs whole.
// Both journals (src/store/sqlite_journal.hpp): the rollback journal of an import into a queue
// nobody else has open, whether it existed or the import created it, and the write-ahead log of
// an import into a queue that another connection has open.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <system_error>
#include <thread>

#include "store/sqlite.hpp"
#include "support/child_process.hpp"
#include "support/process.hpp"
#include "support/queue_states.hpp"
#include "support/temp_dir.hpp"

namespace oneall {
namespace {

using namespace std::chrono_literals;

constexpr int kRows = 400'000;

std::string big_csv() {
  std::string csv = "op,target,identity,object_id\n";
  csv.reserve(static_cast<std::size_t>(kRows) * 80);
  for (int i = 0; i < kRows; ++i) {
    csv += fmt::format("delete,twitter.tweet,2af20011-8965-471b-8f6b-8b66a611aae6,{}\n",
                       100'000'000 + i);
  }
  return csv;
}

std::uintmax_t file_size(const std::string& path) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  return error ? 0 : size;
}

// The file's header says WAL mode: its read and write format versions (bytes 18 and 19) are 2.
bool in_wal_mode(const std::string& db) {
  std::ifstream file(db, std::ios::binary);
  char header[20] = {};
  file.read(header, sizeof header);
  return file && header[18] == 2 && header[19] == 2;
}

// Starts `import FILE --db DB` and kills it with SIGKILL once `grows` holds 20 MiB: the
// transaction has spilled that much, tens of thousands of rows in, past the point where the bulk
// path drops the per-object index.
void kill_import_midway(const testing::TempDir& dir, const std::string& file, const std::string& db,
                        const std::string& grows) {
  testing::ChildProcess child({"import", file, "--db", db}, {}, dir.path().string());
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (file_size(grows) < (20u << 20) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  ASSERT_GE(file_size(grows), 20u << 20) << child.err();
  child.signal(SIGKILL);
  const auto code = child.wait(10s);
  ASSERT_TRUE(code.has_value());
  ASSERT_EQ(*code, -1) << "the import ended before it was killed: " << child.out();
}

// The queue holds one job, then a large import into it is killed midway: through the rollback
// journal when nobody else has the queue open, through the write-ahead log when `beside` holds
// a connection to it. Either way the one job is all that is left, and the import then runs whole.
void kill_an_import_into_a_queue(bool beside) {
  testing::TempDir dir;
  const std::string db = dir.file("queue.db");
  const std::string first =
      dir.write("first.csv",
                "op,target,identity,object_id\n"
                "delete,twitter.tweet,2af20011-8965-471b-8f6b-8b66a611aae6,1\n");
  const std::string big = dir.write("big.csv", big_csv());
  ASSERT_EQ(testing::run_oneall({"import", first, "--db", db}).exit_code, 0);

  {
    std::optional<store::Database> other;
    if (beside) {
      other.emplace(store::Database::open(db));
      other->exec("SELECT COUNT(*) FROM jobs");  // a read: it now has the log open
    }
    kill_import_midway(dir, big, db, beside ? db + "-wal" : db);
    if (::testing::Test::HasFatalFailure()) return;
    EXPECT_EQ(std::filesystem::exists(db + "-journal"), !beside);
  }

  const testing::QueueStates after_kill = testing::queue_states(db);
  EXPECT_EQ(after_kill.total, 1);
  EXPECT_FALSE(std::filesystem::exists(db + "-journal"));
  EXPECT_TRUE(in_wal_mode(db));
  auto again = testing::run_oneall({"import", big, first, "--db", db}, {}, 120s);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find(fmt::format("batch 2: {} new, 1 already queued", kRows)),
            std::string::npos)
      << again.out;
  EXPECT_EQ(testing::queue_states(db).total, kRows + 1);
  auto twice = testing::run_oneall({"import", big, "--db", db}, {}, 120s);
  EXPECT_NE(twice.out.find(fmt::format("0 new, {} already queued", kRows)), std::string::npos)
      << twice.out;
}

TEST(ImportCrash, AnImportKilledMidwayLeavesTheQueueAsItWasAndRunsWholeAfter) {
  kill_an_import_into_a_queue(false);
}

TEST(ImportCrash, AnImportBesideAnotherConnectionKilledMidwayLeavesTheQueueAsItWas) {
  kill_an_import_into_a_queue(true);
}

TEST(ImportCrash, AnImportKilledWhileCreatingTheQueueLeavesItEmptyAndRunsWholeAfter) {
  testing::TempDir dir;
  const std::string db = dir.file("queue.db");
  const std::string big = dir.write("big.csv", big_csv());
  // New pages go straight into the file, the old ones' images into the rollback journal.
  kill_import_midway(dir, big, db, db);
  if (::testing::Test::HasFatalFailure()) return;
  ASSERT_TRUE(std::filesystem::exists(db + "-journal")) << "not the rollback journal's path";

  // The next open rolls the journal back: an empty queue, in WAL mode again.
  const testing::QueueStates after_kill = testing::queue_states(db);
  EXPECT_EQ(after_kill.total, 0);
  EXPECT_FALSE(std::filesystem::exists(db + "-journal"));
  EXPECT_TRUE(in_wal_mode(db));
  auto again = testing::run_oneall({"import", big, "--db", db}, {}, 120s);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find(fmt::format("batch 1: {} new, 0 already queued", kRows)),
            std::string::npos)
      << again.out;
  EXPECT_EQ(testing::queue_states(db).total, kRows);
  EXPECT_TRUE(in_wal_mode(db));
}

}  // namespace
}  // namespace oneall
