// Throttle: the token bucket behind --throttle, driven with explicit times (no sleeping).
#include "sandbox/throttle.hpp"

#include <gtest/gtest.h>

namespace oneall::sandbox {
namespace {

using std::chrono::milliseconds;
const Throttle::Clock::time_point kStart{std::chrono::seconds(1000)};

// How many of `count` requests, sent `every` apart from kStart + `offset`, pass.
int allowed_of(Throttle& throttle, int count, milliseconds every,
               milliseconds offset = milliseconds(0)) {
  int allowed = 0;
  for (int i = 0; i < count; ++i) {
    if (throttle.admit(kStart + offset + every * i).allowed) ++allowed;
  }
  return allowed;
}

TEST(Throttle, AClientAtOrBelowTheRateIsNeverRefused) {
  Throttle at_rate(10, 1, kStart);  // burst 1: no credit saved up
  EXPECT_EQ(allowed_of(at_rate, 500, milliseconds(100)), 500);
  Throttle below(10, 1, kStart);
  EXPECT_EQ(allowed_of(below, 500, milliseconds(150)), 500);
}

TEST(Throttle, AboveTheRateOnlyTheRatePassesAfterTheBurst) {
  Throttle throttle(10, 0, kStart);  // burst: one second's worth, 10
  EXPECT_EQ(throttle.burst(), 10);
  // 20 requests/s for 10 s: the burst, then 10 a second.
  const int allowed = allowed_of(throttle, 200, milliseconds(50));
  EXPECT_GE(allowed, 10 + 99);
  EXPECT_LE(allowed, 10 + 100);
}

TEST(Throttle, TheBurstPassesAtOnceThenRequestsAreRefused) {
  Throttle throttle(5, 3, kStart);
  EXPECT_EQ(allowed_of(throttle, 10, milliseconds(0)), 3);
  // A refused request takes no token: 200 ms later exactly one has come back.
  EXPECT_TRUE(throttle.admit(kStart + milliseconds(200)).allowed);
  EXPECT_FALSE(throttle.admit(kStart + milliseconds(200)).allowed);
  // An idle spell refills no more than the burst.
  EXPECT_EQ(allowed_of(throttle, 10, milliseconds(0), milliseconds(60'000)), 3);
}

TEST(Throttle, RetryAfterIsTheWholeSecondsUntilTheNextToken) {
  Throttle slow(0.25, 1, kStart);  // a token every 4 s
  EXPECT_TRUE(slow.admit(kStart).allowed);
  const ThrottleDecision refused = slow.admit(kStart + milliseconds(500));
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_seconds, 4);  // 3.5 s, rounded up
  Throttle fast(100, 1, kStart);
  EXPECT_TRUE(fast.admit(kStart).allowed);
  EXPECT_EQ(fast.admit(kStart).retry_after_seconds, 1);  // 10 ms, but never less than 1
}

TEST(Throttle, BurstIsAtLeastOne) {
  EXPECT_EQ(Throttle(0.5, 0, kStart).burst(), 1);
  EXPECT_EQ(Throttle(0.5, 0.2, kStart).burst(), 1);
  EXPECT_EQ(Throttle(50, 0, kStart).burst(), 50);
  EXPECT_EQ(Throttle(50, 7, kStart).burst(), 7);
}

TEST(Throttle, TimesOutOfOrderNeitherRefillNorRefund) {
  Throttle throttle(10, 1, kStart);
  EXPECT_TRUE(throttle.admit(kStart + milliseconds(1000)).allowed);
  // A thread that read the clock earlier arrives late: it finds the bucket as it is now.
  EXPECT_FALSE(throttle.admit(kStart + milliseconds(500)).allowed);
  EXPECT_TRUE(throttle.admit(kStart + milliseconds(1100)).allowed);
}

}  // namespace
}  // namespace oneall::sandbox
