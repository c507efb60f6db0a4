// What runs share through the queue, on both backends: which runs are alive (status's live
// runs, by heartbeat), and the rate budget (reserve_sends / hold_sends).
#include <gtest/gtest.h>
#include <unistd.h>

#include "store/queue.hpp"
#include "store/store_test_helpers.hpp"

namespace oneall::store {
namespace {

using namespace oneall::store::testing;

constexpr std::int64_t kLeaseMs = 30'000;

TEST_P(QueueBackendTest, ARunIsLiveUntilItEndsOrItsHeartbeatRunsOut) {
  const EpochMs started = clock_.now_ms();
  auto ended = queue_->begin_run("{}", kLeaseMs);
  auto renewed = queue_->begin_run("{}", kLeaseMs);
  auto silent = queue_->begin_run("{}", kLeaseMs);
  ASSERT_TRUE(ended.ok() && renewed.ok() && silent.ok());
  ASSERT_TRUE(queue_->end_run(*ended, 0, "{}").ok());

  auto status = queue_->status();
  ASSERT_TRUE(status.ok()) << status.error().message;
  ASSERT_EQ(status->live_runs.size(), 2u);
  EXPECT_EQ(status->live_runs[0].run_id, *renewed);
  EXPECT_EQ(status->live_runs[0].pid, getpid());
  EXPECT_EQ(status->live_runs[0].started_at, started);
  EXPECT_EQ(status->live_runs[0].heartbeat_at, started);
  EXPECT_FALSE(status->live_runs[0].host.empty());
  EXPECT_EQ(status->live_runs[1].run_id, *silent);

  // Past the first lease, only the run that renewed is still live.
  clock_.advance_ms(kLeaseMs / 2);
  ASSERT_TRUE(queue_->renew_leases(*renewed, kLeaseMs).ok());
  clock_.advance_ms(kLeaseMs / 2 + 1);
  status = queue_->status();
  ASSERT_TRUE(status.ok()) << status.error().message;
  ASSERT_EQ(status->live_runs.size(), 1u);
  EXPECT_EQ(status->live_runs[0].run_id, *renewed);
  EXPECT_EQ(status->live_runs[0].heartbeat_at, started + kLeaseMs / 2);
}

// GCRA's arrival time, kept in the queue: windows of sends follow one another whoever asks, an
// idle budget starts again from now, and a hold (a 429) moves the next window past it.
TEST_P(QueueBackendTest, ReservedSendsFollowOneAnotherAcrossConnections) {
  const std::int64_t now_us = clock_.now_ms() * 1000;
  auto other = open_again();
  ASSERT_TRUE(other.ok()) << other.error().message;

  auto first = queue_->reserve_sends("run", 5'000, 10);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->scope, "run");
  EXPECT_EQ(first->first_at_us, now_us);
  EXPECT_EQ(first->interval_us, 5'000);
  EXPECT_EQ(first->count, 10);
  auto second = (*other)->reserve_sends("run", 5'000, 4);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->first_at_us, now_us + 50'000);  // after the first window's ten sends
  auto elsewhere = (*other)->reserve_sends("identity:a", 5'000, 1);
  ASSERT_TRUE(elsewhere.ok());
  EXPECT_EQ(elsewhere->first_at_us, now_us);  // scopes are apart

  clock_.advance_ms(1'000);  // idle: the budget does not bank the time
  auto later = queue_->reserve_sends("run", 5'000, 1);
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->first_at_us, now_us + 1'000'000);

  ASSERT_TRUE((*other)->hold_sends("run", clock_.now_ms() + 1'000).ok());
  auto held = queue_->reserve_sends("run", 5'000, 1);
  ASSERT_TRUE(held.ok());
  EXPECT_EQ(held->first_at_us, now_us + 2'000'000);
}

}  // namespace
}  // namespace oneall::store
