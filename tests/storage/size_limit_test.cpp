// A full disk in the middle of a run, made with SQLite's own size limit (PRAGMA max_page_count
// on the run's connection), which works anywhere: the run stops with an error that says the
// disk is full, what it recorded before stays (job states, attempt rows and their chain agree),
// and the next run, with room again, finishes every job, each change made once.
#include <gtest/gtest.h>

#include <thread>

#include "audit/chain_verify.hpp"
#include "engine/engine_test_helpers.hpp"
#include "store/sqlite.hpp"

namespace oneall::engine {
namespace {

using testing::mixed_jobs;

std::int64_t sql_int(store::SqliteQueue& queue, const std::string& sql) {
  store::Statement select(queue.database(), sql);
  EXPECT_TRUE(select.step()) << sql;
  return select.column_int(0);
}

class SizeLimitTest : public testing::RunnerFixture {};

TEST_F(SizeLimitTest, AFullDiskStopsTheRunKeepsWhatWasRecordedAndTheNextRunFinishes) {
  constexpr int kJobs = 400;
  import(mixed_jobs(kJobs));
  options_.concurrency = 8;
  options_.lease_ms = 1'500;  // the stopped run's jobs come back soon after
  options_.timeout_ms = 500;  // so that requests fit in the lease (fencing)
  options_.fence_margin_ms = 100;

  // A few pages more than the file has: some attempts fit, then the file cannot grow.
  const std::int64_t pages = sql_int(*queue_, "PRAGMA page_count");
  queue_->database().exec("PRAGMA max_page_count = " + std::to_string(pages + 6));
  auto stopped = try_run();
  ASSERT_FALSE(stopped.ok()) << "the run should have filled the allowed space";
  EXPECT_NE(stopped.error().message.find("database or disk is full"), std::string::npos)
      << stopped.error().message;
  EXPECT_NE(stopped.error().message.find("free some space and run again"), std::string::npos)
      << stopped.error().message;

  // What was committed is whole: every finished job has its attempt row, the chain holds.
  const std::int64_t recorded = sql_int(*queue_, "SELECT COUNT(*) FROM attempts");
  EXPECT_GT(recorded, 0);
  EXPECT_LT(recorded, kJobs);
  EXPECT_EQ(sql_int(*queue_, "SELECT COUNT(*) FROM jobs WHERE state = 'succeeded'"),
            sql_int(*queue_, "SELECT COUNT(*) FROM attempts WHERE outcome = 'succeeded'"));
  auto chain = audit::verify_chain(*queue_);
  ASSERT_TRUE(chain.ok()) << chain.error().message;
  EXPECT_FALSE(chain->broken);

  queue_->database().exec("PRAGMA max_page_count = 1073741823");  // room again
  std::this_thread::sleep_for(std::chrono::milliseconds(options_.lease_ms + 50));
  options_.lease_ms = 60'000;
  auto finished = try_run();
  ASSERT_TRUE(finished.ok()) << finished.error().message;
  EXPECT_EQ(sql_int(*queue_, "SELECT COUNT(*) FROM jobs WHERE state = 'succeeded'"), kJobs);
  EXPECT_EQ(stats().applied, static_cast<std::uint64_t>(kJobs)) << "each change made once";
  // What was in flight or answered but not committed when the disk filled: at most one per
  // slot, and a run has 2 x concurrency slots.
  EXPECT_LE(stats().repeated, static_cast<std::uint64_t>(2 * options_.concurrency));
  chain = audit::verify_chain(*queue_);
  ASSERT_TRUE(chain.ok()) << chain.error().message;
  EXPECT_FALSE(chain->broken);
}

}  // namespace
}  // namespace oneall::engine
