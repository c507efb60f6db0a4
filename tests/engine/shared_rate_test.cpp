#include "engine/shared_rate.hpp"

#include <gtest/gtest.h>

namespace oneall::engine {
namespace {

constexpr EpochMs kNow = 1'000'000;
const std::string kIdentity = "id-1";

store::SendWindow window(const std::string& scope, EpochMs first_ms, std::int64_t interval_us,
                         int count) {
  return {scope, first_ms * 1000, interval_us, count};
}

TEST(SharedRate, AsksForAWindowThenStartsSendsOnItsSlots) {
  SharedRate rate(100.0, std::nullopt);  // 10 ms apart
  bool run_waits = false;
  EXPECT_EQ(rate.ready_at(kIdentity, kNow, run_waits), SharedRate::kNotReserved);
  EXPECT_TRUE(run_waits);
  auto wanted = rate.take_reservations();
  ASSERT_EQ(wanted.size(), 1u);
  EXPECT_EQ(wanted[0].scope, "run");
  EXPECT_EQ(wanted[0].interval_us, 10'000);
  EXPECT_EQ(wanted[0].count, 1);  // one send waited for so far
  EXPECT_TRUE(rate.take_reservations().empty()) << "asked once until the reply";

  rate.granted({window("run", kNow + 5, 10'000, 3)});
  EXPECT_EQ(rate.ready_at(kIdentity, kNow, run_waits), kNow + 5);
  rate.started(kIdentity, kNow + 5);
  EXPECT_EQ(rate.ready_at(kIdentity, kNow + 5, run_waits), kNow + 15);
  rate.started(kIdentity, kNow + 15);
  rate.started(kIdentity, kNow + 25);
  EXPECT_EQ(rate.ready_at(kIdentity, kNow + 25, run_waits), SharedRate::kNotReserved);
}

TEST(SharedRate, AskingIsCappedAtAWindowOfAFifthOfASecond) {
  SharedRate rate(100.0, std::nullopt);
  bool run_waits = false;
  for (int i = 0; i < 500; ++i) (void)rate.ready_at(kIdentity, kNow, run_waits);
  auto wanted = rate.take_reservations();
  ASSERT_EQ(wanted.size(), 1u);
  EXPECT_EQ(wanted[0].count, 20);
}

// Sends reserved but not used in time are given up: using them late would burst above the
// rate that the other runs count on.
TEST(SharedRate, SlotsLeftBehindAreDropped) {
  SharedRate rate(100.0, std::nullopt);
  bool run_waits = false;
  (void)rate.ready_at(kIdentity, kNow, run_waits);
  (void)rate.take_reservations();
  rate.granted({window("run", kNow, 10'000, 10)});
  // 55 ms later: the slots at 0..40 ms are gone, the one at 50 ms is still usable.
  EXPECT_EQ(rate.ready_at(kIdentity, kNow + 55, run_waits), kNow + 50);
}

TEST(SharedRate, IdentityScopesAreReservedApartAndA429HoldsTheIdentity) {
  SharedRate rate(std::nullopt, 2.0);
  bool run_waits = false;
  EXPECT_EQ(rate.ready_at(kIdentity, kNow, run_waits), SharedRate::kNotReserved);
  EXPECT_FALSE(run_waits);
  auto wanted = rate.take_reservations();
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
  EXPECT_TRUE(rate.take_reservations().empty());
}

}  // namespace
}  // namespace oneall::engine
