// The runner held to the numbers against the real sandbox, measured on the sandbox's
// side: the run's rate over 30 seconds with 50 requests in flight, and 2,000 jobs finishing
// under errors, dropped connections and throttling. Slow (about a minute): label `slow`.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "engine/busiest_second.hpp"
#include "engine/engine_test_helpers.hpp"
#include "engine/rate_limiter.hpp"
#include "engine/runner.hpp"

namespace oneall::engine {
namespace {

using std::chrono::microseconds;
using testing::busiest_second;
using testing::mixed_jobs;

class RunnerUnderLoadTest : public testing::RunnerFixture {};

TEST_F(RunnerUnderLoadTest, TheRateHoldsWithinTwoPercentForThirtySecondsWith50InFlight) {
  constexpr double kRate = 100;
  sandbox::SandboxOptions slow;
  slow.latency_ms = 500;  // 100/s for 0.5 s each: about 50 in flight
  use_sandbox(slow);
  options_.concurrency = 64;
  options_.rate = kRate;
  import(mixed_jobs(3000));
  const RunSummary summary = run();
  EXPECT_EQ(summary.succeeded, 3000);

  const sandbox::ReceiveTimes received = sandbox().received();
  ASSERT_EQ(received.since_start.size(), 3000u);
  const double seconds =
      std::chrono::duration<double>(received.since_start.back() - received.since_start.front())
          .count();
  const double achieved = (3000.0 - 1.0) / seconds;
  RecordProperty("achieved_rate", std::to_string(achieved));
  EXPECT_NEAR(achieved, kRate, kRate * 0.02) << "over " << seconds << " s";
  // The limiter's promise, on the times requests started (the attempt log), exactly; on the
  // sandbox's receive times, give or take the odd request a busy loopback delays into the next
  // window.
  std::vector<microseconds> started;
  for (const auto& row : rows()) started.emplace_back(row.started_at * 1000);
  EXPECT_LE(busiest_second(started, microseconds{std::chrono::seconds(1)}),
            kRate + default_burst(kRate));
  EXPECT_LE(busiest_second(received.since_start, microseconds{std::chrono::seconds(1)}),
            kRate + default_burst(kRate) + 2);
  EXPECT_GE(sandbox().stats().max_concurrent, 40u);
}

TEST_F(RunnerUnderLoadTest, TwoThousandJobsAllSucceedUnderErrorsResetsAndThrottling) {
  sandbox::SandboxOptions faulty;
  faulty.error_rate = 0.20;
  faulty.reset_rate = 0.05;
  faulty.throttle_rps = 400;
  faulty.seed = 42;
  use_sandbox(faulty);
  options_.concurrency = 32;
  options_.max_attempts = 20;  // 25% of attempts fail: 0.25^20 leaves no job dead by chance
  options_.retry_base_ms = 20;
  options_.retry_cap_ms = 1000;
  import(mixed_jobs(2000));
  const RunSummary summary = run();
  EXPECT_EQ(summary.succeeded, 2000);
  EXPECT_EQ(count(store::JobState::kSucceeded), 2000);
  if (summary.succeeded != 2000) {  // say which attempts led a job astray
    for (const auto& row : rows()) {
      if (row.outcome == "failed" || row.outcome == "dead") {
        ADD_FAILURE() << "job " << row.job_id << " attempt " << row.attempt << ": " << row.outcome
                      << " " << row.note << " http " << row.http_status << " sent "
                      << row.requests_sent;
        for (const auto& earlier : rows(row.job_id)) {
          ADD_FAILURE() << "  attempt " << earlier.attempt << ": " << earlier.outcome << " "
                        << earlier.note << " http " << earlier.http_status << " curl '"
                        << earlier.curl_error << "' sent " << earlier.requests_sent;
        }
      }
    }
  }

  const sandbox::SandboxStats stats = sandbox().stats();
  EXPECT_GT(stats.errors_injected, 0u);
  EXPECT_GT(stats.resets, 0u);
  EXPECT_GT(stats.throttled, 0u);
  // Every object changed exactly once; a second change only where an answer was lost after
  // the change was made.
  EXPECT_EQ(stats.applied, 2000u);
  EXPECT_LE(stats.repeated, stats.resets_after_apply);
  // Every request the sandbox saw is accounted for in the attempt log, including those libcurl
  // sent again by itself after a reused connection closed unanswered.
  std::uint64_t sent = 0;
  std::uint64_t resent_attempts = 0;
  for (const auto& row : rows()) {
    sent += static_cast<std::uint64_t>(row.requests_sent);
    if (row.requests_sent > 1) ++resent_attempts;
  }
  EXPECT_EQ(stats.requests, sent);
  EXPECT_GT(resent_attempts, 0u);  // the resets did hit reused connections
  // The 429s taught the runner to slow down rather than hammer the limit.
  RecordProperty("throttled", std::to_string(stats.throttled));
  EXPECT_LT(stats.throttled, 1000u);
}

}  // namespace
}  // namespace oneall::engine
