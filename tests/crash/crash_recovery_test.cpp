// Crash safety through the binary (docs/cli.md#job-states): a run against a sandbox with latency is
// killed with SIGKILL at random moments, several times, then a last run finishes. Every job
// must end succeeded, none missing, the attempt log's chain intact, each object changed once,
// and the requests sent again after the kills at most kills × 2 × concurrency (only what was
// in flight, or answered but not yet committed, when a run died may go out twice). The pins
// updated three times each show, in the attempt log, that jobs on one object ran one at a
// time and in file order across the kills.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <string>
#include <thread>

#include "api/credentials.hpp"
#include "sandbox/sandbox_server.hpp"
#include "support/audit_log.hpp"
#include "support/child_process.hpp"
#include "support/process.hpp"
#include "support/queue_states.hpp"
#include "support/temp_dir.hpp"

namespace oneall {
namespace {

using namespace std::chrono_literals;

constexpr const char* kIdentity = "2af20011-8965-471b-8f6b-8b66a611aae6";
constexpr const char* kStarted = "job(s) to send to";  // run's line once it holds the lock
constexpr int kDeletes = 500;
constexpr int kPins = 20;          // each updated three times, in file order
constexpr int kUpdatesPerPin = 3;  // object-mates: one at a time, crash or not
constexpr int kKills = 6;
constexpr int kConcurrency = 8;

// A pin's three updates are next to each other in the file, so they fall in one claim window
// (nothing but the object's guard keeps them apart), and the pins are spread among the deletes,
// so the kills find some of them in flight.
std::string job_file() {
  std::string yaml = fmt::format("defaults: {{identity: {}}}\njobs:\n", kIdentity);
  constexpr int kDeletesPerPin = kDeletes / kPins;
  for (int i = 0; i < kDeletes; ++i) {
    yaml += fmt::format("  - {{op: delete, target: twitter.tweet, object_id: \"{}\"}}\n", 1000 + i);
    if (i % kDeletesPerPin != 0) continue;
    const int pin = i / kDeletesPerPin;
    for (int round = 0; round < kUpdatesPerPin; ++round) {
      yaml += fmt::format(
          "  - {{op: update, target: pinterest.pin, object_id: \"{}\", set: {{link: "
          "\"https://example.com/{}/{}\"}}}}\n",
          9000 + pin, pin, round);
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

TEST(CrashRecovery, KilledRunsLoseNothingAndRepeatOnlyWhatWasInFlight) {
  testing::TempDir dir;
  const std::string db = dir.file("queue.db");
  const std::string jobs = dir.write("jobs.yaml", job_file());
  constexpr int kJobs = kDeletes + kPins * kUpdatesPerPin;

  sandbox::SandboxOptions options;
  options.latency_ms = 20;
  sandbox::SandboxServer server(options);
  ASSERT_TRUE(server.start().ok());
  const std::vector<std::string> run_args{"run",           jobs,
                                          "--db",          db,
                                          "--endpoint",    server.base_url(),
                                          "--concurrency", std::to_string(kConcurrency)};

  const unsigned seed = std::random_device{}();
  SCOPED_TRACE(fmt::format("kill times drawn with seed {}", seed));
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> after_ms(50, 400);

  int kills = 0;
  for (int i = 0; i < kKills; ++i) {
    testing::ChildProcess child(run_args, sandbox_env(), dir.path().string());
    ASSERT_TRUE(child.wait_for_err(kStarted, 20s)) << child.err();
    std::this_thread::sleep_for(std::chrono::milliseconds(after_ms(random)));
    child.signal(SIGKILL);
    const auto code = child.wait(10s);  // reaped: its pid is gone for the next run to see
    ASSERT_TRUE(code.has_value());
    if (*code == -1) ++kills;
    if (*code == 0) break;  // it finished before the kill: nothing left to crash
  }
  EXPECT_GE(kills, 1);

  auto last = testing::run_oneall(run_args, sandbox_env(), 120s);
  ASSERT_EQ(last.exit_code, 0) << last.err;

  const testing::QueueStates states = testing::queue_states(db);
  EXPECT_EQ(states.total, kJobs);
  EXPECT_EQ(states.succeeded, kJobs);

  auto verify = testing::run_oneall({"audit", "verify", "--db", db});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_NE(verify.out.find("audit log intact"), std::string::npos) << verify.out;

  // Per object, from the attempt log: each pin's attempts (interrupted ones included, which
  // span from the claim to the next run's start) never overlap, and its three jobs come in file
  // order, each done before the next begins.
  int pins_seen = 0;
  for (auto& [path, attempts] : testing::attempts_by_path(testing::audit_attempts(db))) {
    if (path.find("/pinterest/pin/") == std::string::npos) continue;
    ++pins_seen;
    std::stable_sort(attempts.begin(), attempts.end(),
                     [](const auto& a, const auto& b) { return a.started_ms < b.started_ms; });
    std::vector<std::int64_t> succeeded_jobs;
    for (std::size_t i = 0; i < attempts.size(); ++i) {
      if (attempts[i].outcome == "succeeded") succeeded_jobs.push_back(attempts[i].job_id);
      if (i == 0) continue;
      const auto& before = attempts[i - 1];
      const auto& after = attempts[i];
      EXPECT_LE(before.job_id, after.job_id)
          << path << ": job " << before.job_id << " was sent before job " << after.job_id
          << ", which comes first in the file";
      EXPECT_GE(after.started_ms, before.ended_ms)
          << path << ": attempt " << after.attempt << " of job " << after.job_id
          << " overlaps attempt " << before.attempt << " of job " << before.job_id;
    }
    ASSERT_EQ(succeeded_jobs.size(), static_cast<std::size_t>(kUpdatesPerPin)) << path;
    EXPECT_TRUE(std::is_sorted(succeeded_jobs.begin(), succeeded_jobs.end())) << path;
  }
  EXPECT_EQ(pins_seen, kPins);

  const sandbox::SandboxStats stats = server.stats();
  EXPECT_EQ(stats.applied, static_cast<std::uint64_t>(kJobs)) << "each change made exactly once";
  // At most one repeat per slot per kill: a run has at most --concurrency requests in flight
  // and as many answered whose completion is not yet committed (a slot is reused only after
  // that commit); any of them may have been applied before it died. The sandbox applies a
  // request on arrival even when the client is gone, so kills come near that bound: hence <=.
  EXPECT_LE(stats.repeated, static_cast<std::uint64_t>(kills * 2 * kConcurrency))
      << "only requests in flight or not yet committed at a kill may go out again";
  std::cerr << fmt::format("[ crash    ] {} kills, {} requests, {} repeated\n", kills,
                           stats.requests, stats.repeated);
}

}  // namespace
}  // namespace oneall
