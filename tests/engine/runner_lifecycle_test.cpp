// How a run ends and what it leaves behind: a stop request (before and during the run), due
// jobs held by another run, leases kept fresh on long requests, prompt commits, and a storage
// error.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <random>
#include <thread>

#include "engine/retry_policy.hpp"
#include "engine/runner.hpp"
#include "engine_test_helpers.hpp"
#include "store/sqlite_queue.hpp"
#include "support/test_lease.hpp"

namespace oneall::engine {
namespace {

using testing::action_of;
using testing::mixed_jobs;

class RunnerLifecycleTest : public testing::RunnerFixture {
 protected:
  // A second connection to the same queue file, as another process would have.
  std::unique_ptr<store::Queue> other_process() {
    auto opened = store::Queue::open(dir_.file("queue.db"), clock_);
    EXPECT_TRUE(opened.ok()) << opened.error().message;
    return opened.ok() ? std::move(*opened) : nullptr;
  }
};

TEST_F(RunnerLifecycleTest, AStopBeforeTheRunClaimsNothingAndReportsWorkLeft) {
  import(mixed_jobs(5));
  stop_ = true;
  const RunSummary summary = run();
  EXPECT_TRUE(summary.stopped_early);
  EXPECT_NE(summary.stop_reason, "");
  EXPECT_EQ(summary.requests, 0);
  EXPECT_EQ(count(store::JobState::kPending), 5);
  EXPECT_EQ(stats().requests, 0u);
}

TEST_F(RunnerLifecycleTest, AStopDuringTheRunLetsInFlightRequestsFinishAndRecordsThem) {
  sandbox::SandboxOptions slow;
  slow.latency_ms = 200;
  use_sandbox(slow);
  options_.concurrency = 4;
  import(mixed_jobs(20));
  auto running = std::async(std::launch::async, [this] { return try_run(); });
  ASSERT_TRUE(wait_for_requests(4));
  stop_ = true;  // the four requests are in the sandbox, each waiting 200 ms
  auto summary = running.get();
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_TRUE(summary->stopped_early);
  EXPECT_EQ(summary->requests, 4);
  EXPECT_EQ(summary->succeeded, 4);
  EXPECT_EQ(stats().requests, 4u);
  EXPECT_EQ(count(store::JobState::kSucceeded), 4);
  EXPECT_EQ(count(store::JobState::kPending), 16);
  EXPECT_EQ(count(store::JobState::kRunning), 0);
  EXPECT_EQ(rows().size(), 4u);
}

TEST_F(RunnerLifecycleTest, AStopWhileARetryWaitsEndsTheWait) {
  options_.api_root = "http://127.0.0.1:" + std::to_string(testing::closed_port());
  options_.retry_base_ms = 60'000;  // the retry would wait up to a minute
  options_.retry_cap_ms = 60'000;
  options_.random_seed = 4;
  import({action_of(api::Op::kDelete, api::Target::kTwitterTweet, "1")});
  std::mt19937_64 same(4);
  ASSERT_GT(backoff_ms(1, 60'000, 60'000, same), 2'000) << "pick another seed";
  auto watcher = other_process();  // reads the log while the run writes it, as another process
  ASSERT_NE(watcher, nullptr);
  auto running = std::async(std::launch::async, [this] { return try_run(); });
  // Stop only once the first attempt is in the log: the run is then waiting for the retry.
  std::vector<store::AttemptRow> logged;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (logged.empty() && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    auto read = watcher->attempts({});
    if (read.ok()) logged = std::move(*read);
  }
  const auto stopped = std::chrono::steady_clock::now();
  stop_ = true;  // whatever happened: the run must not outlive the test
  ASSERT_EQ(logged.size(), 1u) << "the first attempt never ended";
  EXPECT_EQ(logged.front().outcome, "retry");
  auto summary = running.get();
  // The loop sees the flag within one poll (at most 250 ms), then ends at once: nothing is in
  // flight to wait for.
  EXPECT_LT(std::chrono::steady_clock::now() - stopped, std::chrono::milliseconds(1000));
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_TRUE(summary->stopped_early);
  EXPECT_EQ(summary->stop_cause, StopCause::kSignal);
  EXPECT_EQ(summary->requests, 1);
  EXPECT_EQ(summary->retries, 1);
  EXPECT_EQ(count(store::JobState::kPending), 1);
}

TEST_F(RunnerLifecycleTest, DueJobsHeldByAnotherRunAreWaitedForBoundedly) {
  // Jobs 1 and 2 are on pin 77, job 3 on a tweet. "Another process" holds job 1.
  import({action_of(api::Op::kUpdate, api::Target::kPinterestPin, "77"),
          action_of(api::Op::kDelete, api::Target::kPinterestPin, "77"),
          action_of(api::Op::kDelete, api::Target::kTwitterTweet, "5")});
  auto other = other_process();
  ASSERT_NE(other, nullptr);
  auto other_run = other->begin_run("{}", oneall::testing::kTestLeaseMs);
  ASSERT_TRUE(other_run.ok());
  auto held = other->claim(*other_run, 1, 60'000);
  ASSERT_TRUE(held.ok());
  ASSERT_EQ(held->size(), 1u);
  ASSERT_EQ(held->front().job_id, 1);

  options_.blocked_wait_ms = 300;
  const auto start = std::chrono::steady_clock::now();
  const RunSummary summary = run();
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(summary.stopped_early);
  EXPECT_NE(summary.stop_reason.find("another run"), std::string::npos) << summary.stop_reason;
  EXPECT_EQ(summary.requests, 1);  // the tweet
  EXPECT_EQ(stats().requests, 1u);
  EXPECT_EQ(count(store::JobState::kPending), 1);  // job 2, behind job 1
  EXPECT_EQ(count(store::JobState::kRunning), 1);  // job 1, the other run's
  EXPECT_GE(elapsed, std::chrono::milliseconds(300));
  EXPECT_LT(elapsed, std::chrono::seconds(3));
}

// A run longer than its lease goes on because its leases are renewed: without renewals its
// fence would stop it after the first lease (the run would end in an error), and another
// process's run would take its jobs back as interrupted.
TEST_F(RunnerLifecycleTest, LeasesAreRenewedThroughARunLongerThanALease) {
  sandbox::SandboxOptions slow;
  slow.latency_ms = 250;
  use_sandbox(slow);
  options_.concurrency = 1;
  options_.lease_ms = 1'500;  // renewed every 500 ms
  options_.timeout_ms = 600;  // room for a slow machine (sanitizers) beside the 250 ms answer
  options_.fence_margin_ms = 100;
  constexpr int kJobs = 10;  // 10 x 250 ms: well over a lease
  std::vector<api::Action> jobs;
  for (int i = 0; i < kJobs; ++i) {
    jobs.push_back(action_of(api::Op::kDelete, api::Target::kTwitterTweet, std::to_string(i + 1)));
  }
  import(jobs);
  auto running = std::async(std::launch::async, [this] { return try_run(); });
  ASSERT_TRUE(wait_for_requests(1));
  // Past the first lease: had it not been renewed, this run takes the held jobs back.
  std::this_thread::sleep_for(std::chrono::milliseconds(1'600));
  auto other = other_process();
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(other->begin_run("{}", oneall::testing::kTestLeaseMs).ok());
  auto summary = running.get();
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_EQ(summary->succeeded, kJobs);
  for (const auto& attempt : rows()) EXPECT_NE(attempt.outcome, "interrupted");
}

// A run whose queue confirms no renewal stops starting requests before its leases could run
// out (fencing), cuts its queue off and ends in an error, leaving its jobs leased: the jobs
// come back to another run only when the leases end.
TEST_F(RunnerLifecycleTest, ARunWhoseLeasesAreNotRenewedStopsBeforeTheyRunOut) {
  sandbox::SandboxOptions slow;
  slow.latency_ms = 100;
  use_sandbox(slow);
  options_.concurrency = 1;
  options_.lease_ms = 1'000;
  options_.timeout_ms = 300;
  options_.fence_margin_ms = 100;
  constexpr int kJobs = 30;  // 3 s of work at 100 ms each
  std::vector<api::Action> jobs;
  for (int i = 0; i < kJobs; ++i) {
    jobs.push_back(action_of(api::Op::kDelete, api::Target::kTwitterTweet, std::to_string(i + 1)));
  }
  import(jobs);
  // The renewal never comes back: another connection holds the database's write lock for
  // longer than a lease, so the writer's turns wait (busy timeout) until the fence cuts them.
  auto blocker = store::SqliteQueue::open(dir_.file("queue.db"), clock_);
  ASSERT_TRUE(blocker.ok()) << blocker.error().message;
  auto running = std::async(std::launch::async, [this] { return try_run(); });
  ASSERT_TRUE(wait_for_requests(1));
  const auto started = std::chrono::steady_clock::now();
  (*blocker)->database().exec("BEGIN IMMEDIATE");
  auto summary = running.get();
  const auto took = std::chrono::steady_clock::now() - started;
  (*blocker)->database().exec("ROLLBACK");
  ASSERT_FALSE(summary.ok());
  EXPECT_NE(summary.error().message.find("confirmed no lease renewal"), std::string::npos)
      << summary.error().message;
  // The fence fell before the first lease ran out, not at the end of a busy timeout.
  EXPECT_LT(took, std::chrono::milliseconds(1'000));
  const std::uint64_t sent = stats().requests;
  EXPECT_LT(sent, static_cast<std::uint64_t>(kJobs));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(stats().requests, sent) << "nothing is sent once the run has ended";
}

// Completions gather for a shared commit, but a few answers are not held back for long when no
// more come. Requests go out at 0 ms (two: the burst), 250 ms, 500 ms...; the first two answers
// come at 300 ms, fewer than the half window that would hand them over at once, with the third
// request still out and the ready list full.
TEST_F(RunnerLifecycleTest, AFewAnswersAreCommittedPromptlyWhileOthersAreStillOut) {
  sandbox::SandboxOptions slow;
  slow.latency_ms = 300;
  use_sandbox(slow);
  options_.concurrency = 8;  // commits are shared by up to 4 completions
  options_.rate = 4;
  import(mixed_jobs(20));
  auto running = std::async(std::launch::async, [this] { return try_run(); });
  ASSERT_TRUE(wait_for_requests(1));
  const auto first_sent = std::chrono::steady_clock::now();
  auto other = other_process();
  ASSERT_NE(other, nullptr);
  std::int64_t succeeded = 0;
  while (succeeded == 0 &&
         std::chrono::steady_clock::now() - first_sent < std::chrono::seconds(5)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    auto status = other->status();
    ASSERT_TRUE(status.ok()) << status.error().message;
    succeeded = status->by_state[store::JobState::kSucceeded];
  }
  const auto committed = std::chrono::steady_clock::now() - first_sent;
  stop_ = true;
  auto summary = running.get();
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_GE(succeeded, 1);
  // ~310 ms: the answers (300 ms) and the 10 ms gathering deadline. Waiting for half a window
  // would hold them until the stop.
  EXPECT_LT(committed, std::chrono::milliseconds(500));
}

TEST_F(RunnerLifecycleTest, AStorageErrorEndsTheRunWithThatErrorAndLeavesTheJobLeased) {
  import(mixed_jobs(3));
  // Every attempt row is refused, as a full disk would refuse it.
  queue_->database().exec(
      "CREATE TRIGGER refuse_attempts BEFORE INSERT ON attempts "
      "BEGIN SELECT RAISE(ABORT, 'disk on fire'); END");
  options_.concurrency = 1;
  auto summary = try_run();
  ASSERT_FALSE(summary.ok());
  EXPECT_NE(summary.error().message.find("disk on fire"), std::string::npos)
      << summary.error().message;
  EXPECT_NE(summary.error().message.find("job 1"), std::string::npos) << summary.error().message;
  // A job whose request went out stays leased, for the next run to log it as interrupted,
  // rather than being put back as if never sent. The next job may have gone out while the first
  // answer's commit was being refused (its slot is the spare one); a third would need that
  // answer's slot, which the failed commit never freed.
  const std::int64_t leased = count(store::JobState::kRunning);
  EXPECT_GE(leased, 1);
  EXPECT_LE(leased, 2);
  EXPECT_EQ(count(store::JobState::kPending), 3 - leased);
  // Exactly the leased jobs' requests reach the server (the last may still be on its way).
  EXPECT_TRUE(wait_for_requests(static_cast<std::uint64_t>(leased)));
  EXPECT_EQ(stats().requests, static_cast<std::uint64_t>(leased));
}

TEST_F(RunnerLifecycleTest, AfterTheStopGraceUnansweredRequestsAreRecordedInterruptedAndRequeued) {
  sandbox::SandboxOptions slow;
  slow.latency_ms = 3000;
  use_sandbox(slow);
  options_.concurrency = 4;
  options_.stop_grace_ms = 200;
  import(mixed_jobs(8));
  auto running = std::async(std::launch::async, [this] { return try_run(); });
  ASSERT_TRUE(wait_for_requests(4));
  const auto asked = std::chrono::steady_clock::now();
  stop_ = true;
  auto summary = running.get();
  const auto took = std::chrono::steady_clock::now() - asked;
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_LT(took, std::chrono::milliseconds(2000));  // not the 3 s the answers would take
  EXPECT_EQ(summary->stop_cause, StopCause::kSignal);
  EXPECT_TRUE(summary->stopped_early);
  EXPECT_EQ(count(store::JobState::kPending), 8);
  EXPECT_EQ(count(store::JobState::kRunning), 0);
  const auto attempts = rows();
  ASSERT_EQ(attempts.size(), 4u);
  for (const auto& row : attempts) EXPECT_EQ(row.outcome, "interrupted");

  // The next run sends the four again (and the rest) and finishes everything.
  use_sandbox({});
  stop_ = false;
  const RunSummary again = run();
  EXPECT_EQ(again.succeeded, 8);
  EXPECT_EQ(count(store::JobState::kSucceeded), 8);
}

TEST_F(RunnerLifecycleTest, TheDeadlineStopsTakingWorkAndLeavesTheRestPending) {
  sandbox::SandboxOptions slow;
  slow.latency_ms = 100;
  use_sandbox(slow);
  options_.concurrency = 2;
  options_.deadline = clock_.now_ms() + 250;
  import(mixed_jobs(40));
  const RunSummary summary = run();
  EXPECT_EQ(summary.stop_cause, StopCause::kDeadline);
  EXPECT_TRUE(summary.stopped_early);
  EXPECT_GE(summary.succeeded, 2);
  EXPECT_LE(summary.succeeded, 12);  // about 3 rounds of 2 before the deadline, 1 after
  EXPECT_EQ(count(store::JobState::kSucceeded), summary.succeeded);
  EXPECT_EQ(count(store::JobState::kPending), 40 - summary.succeeded);
  EXPECT_EQ(count(store::JobState::kRunning), 0);
}

TEST_F(RunnerLifecycleTest, RefusedCredentialsTripTheCircuitBreakerAfterAHandfulOfRequests) {
  options_.credentials.private_key = "revoked-private-key";
  options_.concurrency = 4;
  options_.breaker_threshold = 5;
  import(mixed_jobs(60));
  const RunSummary summary = run();
  EXPECT_EQ(summary.stop_cause, StopCause::kCircuitBreaker);
  EXPECT_TRUE(summary.stopped_early);
  EXPECT_NE(summary.stop_reason.find("credentials"), std::string::npos) << summary.stop_reason;
  EXPECT_GE(summary.requests, 5);
  EXPECT_LE(summary.requests, 5 + 4);  // the threshold, plus what was in flight then
  EXPECT_EQ(stats().requests, static_cast<std::uint64_t>(summary.requests));
  EXPECT_EQ(count(store::JobState::kFailed), summary.requests);
  EXPECT_EQ(count(store::JobState::kPending), 60 - summary.requests);
}

TEST_F(RunnerLifecycleTest, WithTheBreakerOffEveryJobFailsOnItsOwn) {
  options_.credentials.private_key = "revoked-private-key";
  options_.breaker_threshold = 0;
  import(mixed_jobs(12));
  const RunSummary summary = run();
  EXPECT_EQ(summary.stop_cause, StopCause::kNone);
  EXPECT_FALSE(summary.stopped_early);
  EXPECT_EQ(summary.failed, 12);
}

TEST_F(RunnerLifecycleTest, ProgressIsReportedDuringTheRunAndOnceAtTheEnd) {
  sandbox::SandboxOptions slow;
  slow.latency_ms = 50;
  use_sandbox(slow);
  options_.concurrency = 2;
  import(mixed_jobs(12));
  auto run_id = queue_->begin_run("{}", oneall::testing::kTestLeaseMs);
  ASSERT_TRUE(run_id.ok());
  Runner runner(*queue_, options_, clock_, stop_);
  std::vector<RunSummary> seen;
  runner.on_progress([&](const RunSummary& so_far) { seen.push_back(so_far); });
  auto summary = runner.run(*run_id);
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  ASSERT_GE(seen.size(), 3u);  // the run lasts about 300 ms; a report every 100 ms
  // The first report may come before the first claim is written; the ones during the run
  // show requests in flight.
  EXPECT_TRUE(std::any_of(seen.begin(), seen.end() - 1,
                          [](const RunSummary& report) { return report.in_flight > 0; }));
  EXPECT_LT(seen[seen.size() / 2].succeeded, 12);
  EXPECT_EQ(seen.back().succeeded, 12);
  EXPECT_EQ(seen.back().in_flight, 0);
  for (std::size_t i = 1; i < seen.size(); ++i) {
    EXPECT_GE(seen[i].requests, seen[i - 1].requests);
  }
}

}  // namespace
}  // namespace oneall::engine
