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

TEST_F(RunnerLimitsTest, EachIdentityHasItsOwnRateAndOthersPassAJobThatMustWait) {
  options_.concurrency = 8;
  options_.identity_rate = 20;
  auto actions = mixed_jobs(40);
  for (std::size_t i = 0; i < actions.size(); i += 2) actions[i].identity = kOtherIdentity;
  import(actions);
  const RunSummary summary = run();
  EXPECT_EQ(summary.succeeded, 40);
  const auto mine = start_times(testing::kIdentity);
  const auto other = start_times(kOtherIdentity);
  ASSERT_EQ(mine.size(), 20u);
  ASSERT_EQ(other.size(), 20u);
  EXPECT_LE(busiest_second(mine, EpochMs{1000}), 20 + default_burst(20));
  EXPECT_LE(busiest_second(other, EpochMs{1000}), 20 + default_burst(20));
  // The two identities ran side by side, not one after the other.
  EXPECT_LT(*std::min_element(other.begin(), other.end()),
            *std::max_element(mine.begin(), mine.end()) - 500);
  EXPECT_LT(*std::min_element(mine.begin(), mine.end()),
            *std::max_element(other.begin(), other.end()) - 500);
}

}  // namespace
}  // namespace oneall::engine
