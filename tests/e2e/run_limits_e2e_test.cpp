// `run`'s limits through the real binary against a sandbox in this process: a Retry-After that
// one run stores and the next honours, and --identity-rate holding each of several identities
// to its rate while they run side by side. Times come from the attempt log (`audit`).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "api/credentials.hpp"
#include "sandbox/sandbox_server.hpp"
#include "support/audit_log.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace oneall {
namespace {

using testing::AuditAttempt;
using testing::run_oneall;
using testing::TempDir;

constexpr const char* kIdentities[] = {"2af20011-8965-471b-8f6b-8b66a611aae6",
                                       "7c9e6679-7425-40de-944b-e07fc1f90ae7",
                                       "0b5c1e55-2f9e-4d7a-9a61-3c0d1e2f3a4b"};

// Tweet deletes, `per_identity` for each of the first `identities` identities, alternating.
std::string tweet_deletes(int identities, int per_identity) {
  std::string yaml = "jobs:\n";
  for (int i = 0; i < per_identity; ++i) {
    for (int who = 0; who < identities; ++who) {
      yaml += fmt::format(
          "  - {{op: delete, target: twitter.tweet, identity: {}, object_id: \"{}\"}}\n",
          kIdentities[who], 1000 + i * identities + who);
    }
  }
  return yaml;
}

std::map<std::string, std::string> sandbox_env() {
  const auto credentials = api::sandbox_credentials();
  return {{"ONEALL_SUBDOMAIN", credentials.subdomain},
          {"ONEALL_PUBLIC_KEY", credentials.public_key},
          {"ONEALL_PRIVATE_KEY", credentials.private_key}};
}

// The most starts in any one-second window.
std::size_t busiest_second(std::vector<std::int64_t> starts) {
  std::sort(starts.begin(), starts.end());
  std::size_t most = 0;
  std::deque<std::int64_t> window;
  for (std::int64_t t : starts) {
    window.push_back(t);
    while (window.front() <= t - 1000) window.pop_front();
    most = std::max(most, window.size());
  }
  return most;
}

class RunLimitsE2e : public ::testing::Test {
 protected:
  void start_sandbox(const sandbox::SandboxOptions& options) {
    server_ = std::make_unique<sandbox::SandboxServer>(options);
    ASSERT_TRUE(server_->start().ok());
  }
  std::vector<std::string> run_args(std::vector<std::string> extra) const {
    std::vector<std::string> args{"run", "--db", db_, "--endpoint", server_->base_url()};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  TempDir dir_;
  const std::string db_ = dir_.file("queue.db");
  std::unique_ptr<sandbox::SandboxServer> server_;
};

// The sandbox lets one request through every 2 s: the first tweet's takes the token, so the
// second's is answered 429 with Retry-After: 2. The first run ends (--deadline) while that
// retry waits; the second, started at once, must wait for the stored time: sent early, the
// sandbox would refuse it again.
TEST_F(RunLimitsE2e, RetryAfterIsHonouredAcrossTwoRuns) {
  sandbox::SandboxOptions throttled;
  throttled.throttle_rps = 0.5;
  throttled.throttle_burst = 1;
  throttled.seed = 1;
  start_sandbox(throttled);
  const std::string jobs = dir_.write("jobs.yaml", tweet_deletes(1, 2));
  // One request at a time, and retries due at once unless an answer says otherwise.
  const auto run_one_at_a_time = [&](std::vector<std::string> extra) {
    for (const char* flag : {"--concurrency", "1", "--retry-base", "1ms", "--retry-cap", "5ms"}) {
      extra.emplace_back(flag);
    }
    return run_oneall(run_args(extra), sandbox_env());
  };
  const auto first = run_one_at_a_time({jobs, "--deadline", "1s"});
  ASSERT_EQ(first.exit_code, 4) << "stopped by the deadline with work left: " << first.err;
  const auto second = run_one_at_a_time({});
  ASSERT_EQ(second.exit_code, 0) << second.err;

  std::vector<AuditAttempt> retried;
  for (const AuditAttempt& row : testing::audit_attempts(db_)) {
    if (row.job_id == 2) retried.push_back(row);
  }
  ASSERT_EQ(retried.size(), 2u) << "one 429, then the attempt at the stored time";
  EXPECT_EQ(retried[0].http_status, 429);
  EXPECT_EQ(retried[0].retry_after, "2");
  EXPECT_EQ(retried[1].http_status, 200);
  EXPECT_NE(retried[0].run_id, retried[1].run_id);
  EXPECT_GE(retried[1].started_ms - retried[0].ended_ms, 2'000);
  EXPECT_EQ(server_->stats().throttled, 1u);
}

// Three identities, 30 jobs each, --identity-rate 15/s: each identity's starts keep to 15 a
// second (plus the burst of 2) and take about 1.9 s, and the three run side by side, so the
// whole run takes about as long as one identity's share.
TEST_F(RunLimitsE2e, IdentityRateHoldsEachOfSeveralIdentitiesSideBySide) {
  constexpr int kIdentityCount = 3;
  constexpr int kPerIdentity = 30;
  constexpr int kRate = 15;
  constexpr int kBurst = 2;  // engine::default_burst(15)
  start_sandbox({});
  const std::string jobs = dir_.write("jobs.yaml", tweet_deletes(kIdentityCount, kPerIdentity));
  const auto run = run_oneall(
      run_args({jobs, "--concurrency", "8", "--identity-rate", std::to_string(kRate) + "/s"}),
      sandbox_env());
  ASSERT_EQ(run.exit_code, 0) << run.err;

  std::map<std::string, std::vector<std::int64_t>> starts;
  std::vector<std::int64_t> all;
  for (const AuditAttempt& row : testing::audit_attempts(db_)) {
    for (const char* identity : kIdentities) {
      if (row.path.find(identity) != std::string::npos) starts[identity].push_back(row.started_ms);
    }
    all.push_back(row.started_ms);
  }
  ASSERT_EQ(all.size(), static_cast<std::size_t>(kIdentityCount * kPerIdentity));
  // After the burst, one start every 1000 / 15 ms (times are whole ms).
  const std::int64_t least_span = (kPerIdentity - kBurst) * 1000 / kRate - 10;
  for (int who = 0; who < kIdentityCount; ++who) {
    const auto& mine = starts[kIdentities[who]];
    ASSERT_EQ(mine.size(), static_cast<std::size_t>(kPerIdentity)) << kIdentities[who];
    EXPECT_LE(busiest_second(mine), static_cast<std::size_t>(kRate + kBurst)) << kIdentities[who];
    const auto [first, last] = std::minmax_element(mine.begin(), mine.end());
    EXPECT_GE(*last - *first, least_span) << kIdentities[who];
  }
  // Side by side: one identity waiting does not hold the others up (one shared limit would
  // take three times as long).
  const auto [first, last] = std::minmax_element(all.begin(), all.end());
  EXPECT_LE(*last - *first, least_span + 1'000);
}

}  // namespace
}  // namespace oneall
