// FaultPlan and SeededRandom: which fault each request gets, by distribution and by seed,
// without sockets.
#include "sandbox/fault_plan.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <vector>

namespace oneall::sandbox {
namespace {

using std::chrono::milliseconds;
const Throttle::Clock::time_point kStart{std::chrono::seconds(1000)};

std::map<FaultKind, int> tally(FaultRates rates, int count,
                               std::map<int, int>* statuses = nullptr) {
  FaultPlan plan(rates, kStart);
  std::map<FaultKind, int> kinds;
  for (int i = 0; i < count; ++i) {
    const Fault fault = plan.decide(kStart + milliseconds(i));
    ++kinds[fault.kind];
    if (statuses) ++(*statuses)[fault.status];
  }
  return kinds;
}

TEST(FaultPlan, WithoutRatesThereAreNoFaults) {
  auto kinds = tally({}, 5000);
  EXPECT_EQ(kinds[FaultKind::kNone], 5000);
}

TEST(FaultPlan, ErrorRateIsThatFractionSplitBetween500And503) {
  std::map<int, int> statuses;
  auto kinds = tally({.error_rate = 0.2, .seed = 42}, 20'000, &statuses);
  EXPECT_NEAR(kinds[FaultKind::kError], 4000, 400);
  EXPECT_EQ(kinds[FaultKind::kError] + kinds[FaultKind::kNone], 20'000);
  EXPECT_NEAR(statuses[500], 2000, 300);
  EXPECT_NEAR(statuses[503], 2000, 300);
  EXPECT_EQ(statuses[500] + statuses[503], kinds[FaultKind::kError]);
}

TEST(FaultPlan, ResetsHappenBeforeOrAfterApplyingAtRandom) {
  auto kinds = tally({.reset_rate = 0.1, .seed = 7}, 20'000);
  const int before = kinds[FaultKind::kResetBeforeApplying];
  const int after = kinds[FaultKind::kResetAfterApplying];
  EXPECT_NEAR(before + after, 2000, 300);
  EXPECT_NEAR(before, 1000, 200);
  EXPECT_NEAR(after, 1000, 200);
}

TEST(FaultPlan, ResetsAreRolledBeforeErrors) {
  // Every request reset: none is left to answer with an error.
  auto kinds = tally({.error_rate = 1, .reset_rate = 1, .seed = 1}, 1000);
  EXPECT_EQ(kinds[FaultKind::kResetBeforeApplying] + kinds[FaultKind::kResetAfterApplying], 1000);
}

TEST(FaultPlan, ThrottlingComesFirstAndSaysWhenToRetry) {
  // 1000 requests in one second against 10/s: all but the burst and the refill are refused,
  // whatever the other rates say.
  FaultPlan plan({.error_rate = 1, .throttle_rps = 10, .seed = 3}, kStart);
  int throttled = 0;
  for (int i = 0; i < 1000; ++i) {
    const Fault fault = plan.decide(kStart + milliseconds(i));
    if (fault.kind == FaultKind::kThrottled) {
      ++throttled;
      EXPECT_EQ(fault.status, 429);
      EXPECT_GE(fault.retry_after_seconds, 1);
    } else {
      EXPECT_EQ(fault.kind, FaultKind::kError);
    }
  }
  EXPECT_GE(throttled, 1000 - 10 - 10);
  EXPECT_LE(throttled, 1000 - 10);
}

TEST(FaultPlan, TheSameSeedDrawsTheSameFaults) {
  const FaultRates rates{.error_rate = 0.3, .reset_rate = 0.2, .seed = 99};
  FaultPlan first(rates, kStart), second(rates, kStart);
  FaultRates other_seed = rates;
  other_seed.seed = 100;
  FaultPlan third(other_seed, kStart);
  int differences = 0;
  for (int i = 0; i < 1000; ++i) {
    const auto when = kStart + milliseconds(i);
    const Fault a = first.decide(when);
    const Fault b = second.decide(when);
    ASSERT_EQ(a.kind, b.kind) << i;
    ASSERT_EQ(a.status, b.status) << i;
    if (third.decide(when).kind != a.kind) ++differences;
  }
  EXPECT_GT(differences, 100);
  EXPECT_EQ(first.seed(), 99u);
}

TEST(FaultPlan, RatesOutOfRangeAreRefusedNamingTheOption) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  // (Each lists .seed: GCC warns of a missing initializer in a nested braced list otherwise.)
  const std::pair<FaultRates, const char*> bad[] = {
      {{.error_rate = -0.1, .seed = {}}, "--error-rate"},
      {{.error_rate = 1.5, .seed = {}}, "--error-rate"},
      {{.error_rate = nan, .seed = {}}, "--error-rate"},
      {{.reset_rate = 2, .seed = {}}, "--reset-rate"},
      {{.throttle_rps = -1, .seed = {}}, "--throttle"},
      {{.throttle_burst = -1, .seed = {}}, "--throttle-burst"},
  };
  for (const auto& [rates, option] : bad) {
    const Status status = check_fault_rates(rates);
    ASSERT_FALSE(status.ok()) << option;
    EXPECT_NE(status.error().message.find(option), std::string::npos) << status.error().message;
  }
  EXPECT_TRUE(check_fault_rates({.error_rate = 1, .throttle_rps = 0.5, .seed = 1}).ok());
}

TEST(SeededRandom, DrawsInTheUnitIntervalAndHonoursCertainties) {
  SeededRandom random(5);
  double sum = 0;
  for (int i = 0; i < 10'000; ++i) {
    const double u = random.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    ASSERT_FALSE(random.chance(0));
    ASSERT_TRUE(random.chance(1));
  }
  EXPECT_NEAR(sum / 10'000, 0.5, 0.02);
  EXPECT_EQ(random.seed(), 5u);
  EXPECT_NE(SeededRandom(std::nullopt).seed(), SeededRandom(std::nullopt).seed());
}

}  // namespace
}  // namespace oneall::sandbox
