// Crash safety of a large import through the binary: an import killed with SIGKILL well into a
// file large enough for the bulk path (the per-object index dropped, keys not yet written;
// src/store/queue_import.cpp) leaves the queue as it was, and the same import then runs whole.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <system_error>
#include <thread>

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

TEST(ImportCrash, AnImportKilledMidwayLeavesTheQueueAsItWasAndRunsWholeAfter) {
  testing::TempDir dir;
  const std::string db = dir.file("queue.db");
  const std::string first =
      dir.write("first.csv",
                "op,target,identity,object_id\n"
                "delete,twitter.tweet,2af20011-8965-471b-8f6b-8b66a611aae6,1\n");
  const std::string big = dir.write("big.csv", big_csv());
  ASSERT_EQ(testing::run_oneall({"import", first, "--db", db}).exit_code, 0);

  {
    testing::ChildProcess child({"import", big, "--db", db}, {}, dir.path().string());
    // The import's transaction spills to the WAL once the page cache is full, tens of thousands
    // of rows in: past the point where the bulk path drops the per-object index.
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (file_size(db + "-wal") < (20u << 20) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(5ms);
    }
    ASSERT_GE(file_size(db + "-wal"), 20u << 20) << child.err();
    child.signal(SIGKILL);
    const auto code = child.wait(10s);
    ASSERT_TRUE(code.has_value());
    ASSERT_EQ(*code, -1) << "the import ended before it was killed: " << child.out();
  }

  const testing::QueueStates after_kill = testing::queue_states(db);
  EXPECT_EQ(after_kill.total, 1);
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

}  // namespace
}  // namespace oneall
