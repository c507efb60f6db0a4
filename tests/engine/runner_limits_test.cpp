// Rate limits in a real run against the sandbox: the run's rate and each identity's, measured
// from when requests started (the attempt log) — short runs here; the 30-second measurement from
// the sandbox's own receive times is in tests/engine_slow.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "busiest_second.hpp"
#include "engine/rate_limiter.hpp"
#include "engine/runner.hpp"
#include "engine_test_helpers.hpp"

namespace oneall::engine {
namespace {

using testing::busiest_second;
using testing::mixed_jobs;

constexpr const char* kOtherIdentity = "0b5c1e55-2f9e-4d7a-9a61-3c0d1e2f3a4b";

class RunnerLimitsTest : public testing::RunnerFixture {
 protected:
  std::vector<EpochMs> start_times(const char* identity = nullptr) {
    std::vector<EpochMs> times;
    for (const auto& row : rows()) {
      if (identity == nullptr || row.path.find(identity) != std::string::npos) {
        times.push_back(row.started_at);
      }
    }
    return times;
  }
};

TEST_F(RunnerLimitsTest, TheRunsRateHoldsWithManyRequestsInFlight) {
  options_.concurrency = 16;
  options_.rate = 100;
  import(mixed_jobs(150));
  const RunSummary summary = run();
  EXPECT_EQ(summary.succeeded, 150);
  const auto times = start_times();
  ASSERT_EQ(times.size(), 150u);
  EXPECT_LE(busiest_second(times, EpochMs{1000}), 100 + default_burst(100));
  // 150 requests at 100/s, less the burst the first instant allows.
  const EpochMs span =
      *std::max_element(times.begin(), times.end()) - *std::min_element(times.begin(), times.end());
  EXPECT_GE(span, (150 - default_burst(100)) * 10 - 10);
}

// 50 jobs per identity at 20/s each: about 2.4 s per identity, side by side, so a second's
// window is full and a limit even 1.5x too loose shows in both the busiest second and the span.
TEST_F(RunnerLimitsTest, EachIdentityHasItsOwnRateAndOthersPassAJobThatMustWait) {
  constexpr int kPerIdentity = 50;
  constexpr double kRate = 20;
  options_.concurrency = 8;
  options_.identity_rate = kRate;
  auto actions = mixed_jobs(2 * kPerIdentity);
  for (std::size_t i = 0; i < actions.size(); i += 2) actions[i].identity = kOtherIdentity;
  import(actions);
  const RunSummary summary = run();
  EXPECT_EQ(summary.succeeded, 2 * kPerIdentity);
  const int burst = default_burst(kRate);
  // After the burst, one start every 1000 / kRate ms (the limiter rounds a time up to the ms).
  const EpochMs least_span = (kPerIdentity - burst) * static_cast<EpochMs>(1000 / kRate) - 5;
  for (const char* identity : {testing::kIdentity, kOtherIdentity}) {
    const auto times = start_times(identity);
    ASSERT_EQ(times.size(), static_cast<std::size_t>(kPerIdentity)) << identity;
    EXPECT_LE(busiest_second(times, EpochMs{1000}), kRate + burst) << identity;
    const auto [first, last] = std::minmax_element(times.begin(), times.end());
    EXPECT_GE(*last - *first, least_span) << identity;
  }
  // Side by side: while one identity's next job waits for its limit, the other's goes, so the
  // whole run takes about one identity's share (one limit shared by both would take twice it).
  const auto all = start_times();
  const auto [first, last] = std::minmax_element(all.begin(), all.end());
  EXPECT_LE(*last - *first, least_span + 1000);
}

}  // namespace
}  // namespace oneall::engine
