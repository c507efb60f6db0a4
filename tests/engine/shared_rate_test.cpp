#include "engine/shared_rate.hpp"

#include <gtest/gtest.h>

namespace oneall::engine {
namespace {

constexpr EpochMs kNow = 1'000'000;
const std::string kIdentity = "id-1";
constexpr std::size_t kReady = 64;  // jobs the run holds ready

store::SendWindow window(const std::string& scope, EpochMs first_ms, std::int64_t interval_us,
                         int count) {
  return {scope, first_ms * 1000, interval_us, count};
}

TEST(SharedRate, AsksForAWindowThenStartsSendsOnItsSlots) {
  SharedRate rate(100.0, std::nullopt);  // 10 ms apart
  bool run_waits = false;
  EXPECT_EQ(rate.ready_at(kIdentity, kNow, run_waits), SharedRate::kNotReserved);
  EXPECT_TRUE(run_waits);
  auto wanted = rate.take_reservations(kReady);
  ASSERT_EQ(wanted.size(), 1u);
  EXPECT_EQ(wanted[0].scope, "run");
  EXPECT_EQ(wanted[0].interval_us, 10'000);
  EXPECT_EQ(wanted[0].count, 50);  // the run's scope asks for a window: 0.5 s at 100/s
  EXPECT_TRUE(rate.take_reservations(kReady).empty()) << "asked once until the reply";

  rate.granted({window("run", kNow + 5, 10'000, 3)});
  EXPECT_EQ(rate.ready_at(kIdentity, kNow, run_waits), kNow + 5);
  rate.started(kIdentity);
  EXPECT_EQ(rate.ready_at(kIdentity, kNow + 5, run_waits), kNow + 15);
  rate.started(kIdentity);
  rate.started(kIdentity);
  EXPECT_EQ(rate.ready_at(kIdentity, kNow + 25, run_waits), SharedRate::kNotReserved);
}

// The next window is asked for once half the last one is used, and its sends follow that one's.
TEST(SharedRate, TheNextWindowIsAskedForBeforeTheLastRunsOut) {
  SharedRate rate(100.0, std::nullopt);  // a window: 50 sends, 0.5 s
  bool run_waits = false;
  (void)rate.ready_at(kIdentity, kNow, run_waits);
  (void)rate.take_reservations(kReady);
  rate.granted({window("run", kNow, 10'000, 50)});
  for (int i = 0; i < 24; ++i) {
    ASSERT_EQ(rate.ready_at(kIdentity, kNow + 10 * i, run_waits), kNow + 10 * i);
    rate.started(kIdentity);
  }
  EXPECT_TRUE(rate.take_reservations(kReady).empty()) << "26 of 50 left";
  (void)rate.ready_at(kIdentity, kNow + 240, run_waits);
  rate.started(kIdentity);
  (void)rate.ready_at(kIdentity, kNow + 250, run_waits);
  auto wanted = rate.take_reservations(kReady);
  ASSERT_EQ(wanted.size(), 1u) << "25 of 50 left";
  EXPECT_EQ(wanted[0].count, static_cast<int>(kReady) - 25) << "the ready jobs not covered yet";
  rate.granted({window("run", kNow + 900, 10'000, 39)});  // others reserved in between
  for (int i = 25; i < 50; ++i) rate.started(kIdentity);
  EXPECT_EQ(rate.ready_at(kIdentity, kNow + 500, run_waits), kNow + 900);
}

// What the run's reserved sends already cover is not asked for again.
TEST(SharedRate, ReadyJobsThatReservedSendsCoverAreNotAskedForAgain) {
  SharedRate rate(100.0, std::nullopt);
  bool run_waits = false;
  (void)rate.ready_at(kIdentity, kNow, run_waits);
  (void)rate.take_reservations(kReady);
  rate.granted({window("run", kNow, 10'000, 20)});
  (void)rate.ready_at(kIdentity, kNow, run_waits);
  EXPECT_TRUE(rate.take_reservations(20).empty());
  EXPECT_EQ(rate.take_reservations(21).size(), 1u);
}

TEST(SharedRate, TheRunAsksForWhatItHoldsReadyUpToHalfASecondsWorth) {
  SharedRate rate(100.0, std::nullopt);
  bool run_waits = false;
  (void)rate.ready_at(kIdentity, kNow, run_waits);
  auto wanted = rate.take_reservations(7);
  ASSERT_EQ(wanted.size(), 1u);
  EXPECT_EQ(wanted[0].count, 7);
  SharedRate fast(1000.0, std::nullopt);
  (void)fast.ready_at(kIdentity, kNow, run_waits);
  wanted = fast.take_reservations(5000);
  ASSERT_EQ(wanted.size(), 1u);
  EXPECT_EQ(wanted[0].count, 500);
}

// A loop that wakes late sends what it missed, up to a tenth of a second's worth; sends
// reserved longer ago are given up: using them would burst above the rate that the other runs
// count on.
TEST(SharedRate, LateSlotsAreUsedWithinATenthOfASecondAndDroppedAfter) {
  SharedRate rate(100.0, std::nullopt);
  bool run_waits = false;
  (void)rate.ready_at(kIdentity, kNow, run_waits);
  (void)rate.take_reservations(kReady);
  rate.granted({window("run", kNow, 10'000, 30)});
  // 60 ms late: nothing is lost yet.
  EXPECT_EQ(rate.ready_at(kIdentity, kNow + 60, run_waits), kNow);
  // 155 ms after the first slot: those at 0..50 ms are gone, the one at 60 ms is still usable.
  EXPECT_EQ(rate.ready_at(kIdentity, kNow + 155, run_waits), kNow + 60);
}

TEST(SharedRate, IdentityScopesAreReservedApartAndA429HoldsTheIdentity) {
  SharedRate rate(std::nullopt, 2.0);
  bool run_waits = false;
  EXPECT_EQ(rate.ready_at(kIdentity, kNow, run_waits), SharedRate::kNotReserved);
  EXPECT_FALSE(run_waits);
  auto wanted = rate.take_reservations(kReady);
  ASSERT_EQ(wanted.size(), 1u);
  EXPECT_EQ(wanted[0].scope, "identity:id-1");
  EXPECT_EQ(wanted[0].interval_us, 500'000);
  rate.granted({window("identity:id-1", kNow, 500'000, 1)});
  EXPECT_EQ(rate.ready_at(kIdentity, kNow, run_waits), kNow);

  rate.throttled(kIdentity, kNow);
  auto holds = rate.take_holds();
  ASSERT_EQ(holds.size(), 1u);
  EXPECT_EQ(holds[0].scope, "identity:id-1");
  EXPECT_EQ(holds[0].until, kNow + SharedRate::kHoldMs);
  EXPECT_EQ(rate.ready_at(kIdentity, kNow, run_waits), SharedRate::kNotReserved)
      << "what was reserved before the 429 is not used";
}

TEST(SharedRate, WithoutALimitNothingIsReserved) {
  SharedRate rate(std::nullopt, std::nullopt);
  bool run_waits = false;
  EXPECT_EQ(rate.ready_at(kIdentity, kNow, run_waits), kNow);
  rate.throttled(kIdentity, kNow);
  EXPECT_TRUE(rate.take_holds().empty());
  EXPECT_TRUE(rate.take_reservations(kReady).empty());
}

}  // namespace
}  // namespace oneall::engine
