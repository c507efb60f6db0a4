// The rate limits on a simulated clock: a caller that sends whenever it may, with and without
// waking late, over long stretches of time, and the 429 decrease and recovery.
#include "engine/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "busiest_second.hpp"

namespace oneall::engine {
namespace {

using testing::busiest_second;

constexpr EpochMs kStart = 1'700'000'000'000;

// Sends through `gcra` from kStart for `duration_ms`, waking `lateness(random)` ms after each
// time it is told; returns the send times.
template <class Lateness>
std::vector<EpochMs> send_greedily(Gcra& gcra, EpochMs duration_ms, Lateness lateness) {
  std::mt19937 random(7);
  std::vector<EpochMs> sent;
  EpochMs now = kStart;
  while (now < kStart + duration_ms) {
    const EpochMs at = gcra.conforms_at(now);
    if (at > now) {
      now = at + lateness(random);
      continue;
    }
    gcra.take(now);
    sent.push_back(now);
  }
  return sent;
}

TEST(GcraTest, HoldsTheRateOverThirtySecondsAndNoSecondExceedsItByMoreThanTheBurst) {
  for (double rate : {1.0, 20.0, 250.0, 3000.0}) {
    const int burst = default_burst(rate);
    Gcra gcra(rate, burst);
    const auto sent = send_greedily(gcra, 30'000, [](auto&) { return 0; });
    const double achieved = static_cast<double>(sent.size()) / 30.0;
    EXPECT_NEAR(achieved, rate, rate * 0.02 + static_cast<double>(burst) / 30.0) << rate;
    EXPECT_LE(busiest_second(sent, EpochMs{1000}), static_cast<std::int64_t>(rate) + burst) << rate;
  }
}

TEST(GcraTest, ACallerThatWakesLateLosesNothingWithinTheBurst) {
  Gcra gcra(20, default_burst(20));
  std::uniform_int_distribution<int> late(0, 5);  // a poll that returns up to 5 ms late
  const auto sent = send_greedily(gcra, 30'000, [&](std::mt19937& r) { return late(r); });
  EXPECT_NEAR(static_cast<double>(sent.size()) / 30.0, 20.0, 20.0 * 0.02);
  EXPECT_LE(busiest_second(sent, EpochMs{1000}), 20 + default_burst(20));
}

TEST(GcraTest, AnIdleLimiterAllowsOnlyTheBurstAtOnce) {
  Gcra gcra(10, 3);
  EpochMs now = kStart;
  int at_once = 0;
  while (gcra.conforms_at(now) <= now) {
    gcra.take(now);
    ++at_once;
  }
  EXPECT_EQ(at_once, 3);
  EXPECT_EQ(gcra.conforms_at(now), now + 100);  // then one interval apart
}

TEST(AdaptiveRateTest, UnlimitedUntilA429ThenHalfTheObservedRate) {
  AdaptiveRate rate(std::nullopt);
  EXPECT_FALSE(rate.limited());
  EXPECT_EQ(rate.conforms_at(kStart), kStart);
  rate.throttled(kStart, 400);
  ASSERT_TRUE(rate.current_rate().has_value());
  EXPECT_DOUBLE_EQ(*rate.current_rate(), 200);
}

TEST(AdaptiveRateTest, A429HalvesTheRateOnceASecondAndItClimbsBackToTheCeiling) {
  AdaptiveRate rate(100.0);
  rate.throttled(kStart, 100);
  EXPECT_DOUBLE_EQ(*rate.current_rate(), 50);
  rate.throttled(kStart + 300, 100);  // an answer of the same burst: no second cut
  EXPECT_DOUBLE_EQ(*rate.current_rate(), 50);
  (void)rate.conforms_at(kStart + 1000);  // a second later: +10/s (a tenth of 100)
  EXPECT_DOUBLE_EQ(*rate.current_rate(), 60);
  rate.throttled(kStart + 1000, 100);  // a second 429, a second later: halved again
  EXPECT_DOUBLE_EQ(*rate.current_rate(), 30);
  (void)rate.conforms_at(kStart + 3000);
  EXPECT_DOUBLE_EQ(*rate.current_rate(), 50);
  (void)rate.conforms_at(kStart + 60'000);
  EXPECT_DOUBLE_EQ(*rate.current_rate(), 100);  // never above the user's limit
}

TEST(AdaptiveRateTest, WithoutACeilingTheLimitIsLiftedOnceRecovered) {
  AdaptiveRate rate(std::nullopt);
  rate.throttled(kStart, 100);
  EXPECT_TRUE(rate.limited());
  (void)rate.conforms_at(kStart + 4000);  // 50/s, +10/s each second
  EXPECT_DOUBLE_EQ(*rate.current_rate(), 90);
  (void)rate.conforms_at(kStart + 5000);  // back at the rate the 429 cut
  EXPECT_FALSE(rate.limited());
}

TEST(AdaptiveRateTest, NeverBelowOneRequestPerTwoSeconds) {
  AdaptiveRate rate(1.0);
  for (int i = 0; i < 10; ++i) rate.throttled(kStart + i * 1000, 1);
  EXPECT_DOUBLE_EQ(*rate.current_rate(), 0.5);
}

TEST(StartCounterTest, CountsTheLastSecondOnly) {
  StartCounter counter;
  for (int i = 0; i < 50; ++i) counter.add(kStart + i * 10);  // 50 in the first 500 ms
  EXPECT_DOUBLE_EQ(counter.per_second(kStart + 500), 50);
  EXPECT_DOUBLE_EQ(counter.per_second(kStart + 1350), 10);  // ten buckets back: 400-499 ms
  EXPECT_DOUBLE_EQ(counter.per_second(kStart + 1400), 0);
  EXPECT_DOUBLE_EQ(counter.per_second(kStart + 5000), 0);
}

TEST(SendGateTest, IdentitiesHaveTheirOwnLimitsUnderTheRunsLimit) {
  SendGate gate(std::nullopt, 10.0);
  const EpochMs now = kStart;
  for (int i = 0; i < default_burst(10); ++i) {
    ASSERT_LE(gate.identity_ready_at("a", now), now);
    gate.started("a", now);
  }
  EXPECT_GT(gate.identity_ready_at("a", now), now);  // a has used its burst
  EXPECT_LE(gate.identity_ready_at("b", now), now);  // b has not
  EXPECT_LE(gate.run_ready_at(now), now);            // and the run has no limit
}

// How many requests each identity starts from `from` until `until`, when each sends whenever
// the gate lets it (the run's limit first, as the loop asks).
std::map<std::string, int> starts_until(SendGate& gate, const std::vector<std::string>& identities,
                                        EpochMs from, EpochMs until) {
  std::map<std::string, int> started;
  EpochMs now = from;
  while (now < until) {
    EpochMs next = until;
    for (const std::string& identity : identities) {
      while (gate.run_ready_at(now) <= now && gate.identity_ready_at(identity, now) <= now) {
        gate.started(identity, now);
        ++started[identity];
      }
      next =
          std::min(next, std::max(gate.run_ready_at(now), gate.identity_ready_at(identity, now)));
    }
    now = next;
  }
  return started;
}

TEST(SendGateTest, A429LowersTheIdentitysRateWhenIdentityLimitsAreOn) {
  SendGate gate(100.0, 10.0);
  gate.throttled("a", kStart);
  EXPECT_DOUBLE_EQ(*gate.run_rate(), 100);  // the run's own limit is untouched
  // Within the second before the climb back starts: "a" at half its 10/s (its burst of 2, then
  // one every 200 ms), "b" at the full 10/s (its burst, then one every 100 ms).
  auto started = starts_until(gate, {"a", "b"}, kStart, kStart + 1000);
  EXPECT_EQ(started["a"], default_burst(10) + 4);
  EXPECT_EQ(started["b"], default_burst(10) + 9);

  SendGate run_only(100.0, std::nullopt);
  run_only.throttled("a", kStart);
  EXPECT_DOUBLE_EQ(*run_only.run_rate(), 50);
}

}  // namespace
}  // namespace oneall::engine
