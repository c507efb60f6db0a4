#include "cli/run_outcome.hpp"

#include <gtest/gtest.h>

#include "cli/exit_codes.hpp"

namespace oneall::cli {
namespace {

using store::JobState;

TEST(RunExitCode, FromWhatIsLeftInScope) {
  EXPECT_EQ(run_exit_code({0, 0, 0, 0, {}}, false), kExitOk);
  EXPECT_EQ(run_exit_code({0, 0, 0, 0, {}}, true), kExitOk);  // stopped as the last job ended
  EXPECT_EQ(run_exit_code({0, 0, 2, 0, {}}, false), kExitJobsFailed);
  EXPECT_EQ(run_exit_code({0, 0, 0, 1, {}}, false), kExitJobsFailed);
  EXPECT_EQ(run_exit_code({3, 0, 2, 0, {}}, true), kExitStoppedEarly);   // left work beats failures
  EXPECT_EQ(run_exit_code({0, 1, 0, 0, {}}, false), kExitStoppedEarly);  // held by a dead run
  // Held by other runs working the queue now (PostgreSQL): in their hands, not left behind.
  EXPECT_EQ(run_exit_code({0, 3, 0, 0, {}, 2}, false), kExitOk);
  EXPECT_EQ(run_exit_code({1, 3, 0, 0, {}, 2}, false), kExitStoppedEarly);
}

TEST(CountScope, OtherLiveRunsAreCountedButNotTheRunAsking) {
  store::QueueStatus status;
  status.by_state = {{JobState::kRunning, 4}};
  status.live_runs = {{7, "a", 1, 0, 0}, {8, "b", 2, 0, 0}};
  EXPECT_EQ(count_scope(status, std::nullopt, 7).other_live_runs, 1);
  EXPECT_EQ(count_scope(status, std::nullopt, 7).left(), 0);
  EXPECT_EQ(count_scope(status, std::nullopt, 9).other_live_runs, 2);
}

TEST(CountScope, WholeQueueOrOneBatch) {
  store::QueueStatus status;
  status.by_state = {{JobState::kPending, 5}, {JobState::kRunning, 1}, {JobState::kFailed, 2}};
  status.batches.push_back(
      {7, "a.yaml", 0, {{JobState::kPending, 4}, {JobState::kDead, 3}}, 0, std::nullopt});
  const ScopeCounts all = count_scope(status, std::nullopt);
  EXPECT_EQ(all.left(), 6);
  EXPECT_EQ(all.failed, 2);
  const ScopeCounts batch = count_scope(status, 7);
  EXPECT_EQ(batch.pending, 4);
  EXPECT_EQ(batch.dead, 3);
  EXPECT_EQ(count_scope(status, 99).left(), 0);  // no such batch: nothing in scope
}

// Scheduled jobs (pending, waiting for their not_before) are not work left: a run that leaves
// only them ends with 0, in the whole queue and in a batch; the summary says when the next is due.
TEST(CountScope, ScheduledJobsAreNotLeft) {
  store::QueueStatus status;
  status.by_state = {{JobState::kPending, 3}, {JobState::kSucceeded, 2}};
  status.scheduled = 3;
  status.next_scheduled_at = 1'798'758'000'000;
  status.batches.push_back({7, "a.csv", 0, {{JobState::kPending, 2}}, 1, 1'798'758'000'000});
  const ScopeCounts all = count_scope(status, std::nullopt);
  EXPECT_EQ(all.left(), 0);
  EXPECT_EQ(all.scheduled, 3);
  EXPECT_EQ(run_exit_code(all, false), kExitOk);
  const ScopeCounts batch = count_scope(status, 7);
  EXPECT_EQ(batch.left(), 1);
  EXPECT_EQ(batch.scheduled, 1);
  EXPECT_EQ(run_summary_text(3, engine::RunSummary{}, all, kExitOk),
            "run 3: 0 requests in 0.0 s (0.0/s): 0 succeeded, 0 failed, 0 dead, 0 retryable "
            "errors\n0 job(s) still waiting in scope\n"
            "3 job(s) scheduled for later, the next due at 2026-12-31T23:00:00.000Z\n");
  EXPECT_NE(run_summary_json(3, engine::RunSummary{}, all, kExitOk)
                .find(R"("jobs_scheduled":3,"next_scheduled_at":"2026-12-31T23:00:00.000Z")"),
            std::string::npos);
}

// Paused jobs wait for `resume`, not for a run: they are pending but not left.
TEST(CountScope, PendingJobsInAPausedScopeAreNotLeft) {
  store::QueueStatus status;
  status.by_state = {{JobState::kPending, 9}, {JobState::kRunning, 0}};
  status.batches.push_back({1, "a.yaml", 0, {{JobState::kPending, 4}}});
  status.batches.push_back({2, "b.yaml", 0, {{JobState::kPending, 5}}});
  status.paused = {{2, 0, "ann@host"}};
  const ScopeCounts all = count_scope(status, std::nullopt);
  EXPECT_EQ(all.paused, 5);
  EXPECT_EQ(all.left(), 4);
  EXPECT_EQ(all.paused_scopes, "batch:2");
  EXPECT_EQ(count_scope(status, 1).paused, 0);  // another batch's pause is not this one's
  EXPECT_EQ(count_scope(status, 1).left(), 4);
  EXPECT_EQ(count_scope(status, 2).left(), 0);
  EXPECT_EQ(run_exit_code(count_scope(status, 2), false), kExitOk);

  status.paused.insert(status.paused.begin(), store::PausedScope{std::nullopt, 0, "bob@host"});
  const ScopeCounts queue_paused = count_scope(status, std::nullopt);
  EXPECT_EQ(queue_paused.paused, 9);
  EXPECT_EQ(queue_paused.left(), 0);
  EXPECT_EQ(queue_paused.paused_scopes, "queue");
  EXPECT_EQ(run_exit_code(queue_paused, false), kExitOk);
  EXPECT_EQ(count_scope(status, 1).left(), 0);
}

TEST(RunSummaryText, SaysHowManyJobsWaitInPausedScopesAndHowToResumeThem) {
  engine::RunSummary s;
  ScopeCounts scope{5, 0, 0, 0, {}};
  scope.paused = 5;
  scope.paused_scopes = "batch:3";
  const std::string text = run_summary_text(7, s, scope, kExitOk);
  EXPECT_NE(text.find("0 job(s) still waiting in scope\n"), std::string::npos) << text;
  EXPECT_NE(text.find("5 job(s) wait in paused scopes (batch:3); `oneall-bulk resume --batch 3` "
                      "lets runs take them\n"),
            std::string::npos)
      << text;
  EXPECT_NE(run_summary_json(7, s, scope, kExitOk).find(R"("jobs_left":0,"jobs_pending":5,)"),
            std::string::npos);
  EXPECT_NE(run_summary_json(7, s, scope, kExitOk).find(R"("jobs_paused":5,)"), std::string::npos);
  scope.paused_scopes = "queue";
  EXPECT_NE(run_summary_text(7, s, scope, kExitOk).find("`oneall-bulk resume` lets"),
            std::string::npos);
}

engine::RunSummary stopped_by(engine::StopCause cause, std::string reason) {
  engine::RunSummary s;
  s.requests = 412;
  s.succeeded = 400;
  s.failed = 6;
  s.dead = 4;
  s.retries = 7;
  s.duration_ms = 10'300;
  s.stopped_early = true;
  s.stop_cause = cause;
  s.stop_reason = std::move(reason);
  return s;
}

TEST(RunSummaryText, CountsRateDurationAndWhyItStopped) {
  const auto s = stopped_by(engine::StopCause::kDeadline, "the deadline passed");
  EXPECT_EQ(
      run_summary_text(7, s, {1600, 0, 6, 4, {}}, kExitStoppedEarly),
      "run 7: 412 requests in 10.3 s (40.0/s): 400 succeeded, 6 failed, 4 dead, 7 retryable "
      "errors\n"
      "stopped (deadline): the deadline passed\n"
      "1600 job(s) still waiting in scope (1600 pending, 0 running); run again to continue\n");
}

// Retryable errors are attempts, and a run that finished everything leaves no job waiting: the
// summary says both, apart, so that 88 errors do not read as 88 jobs outstanding.
TEST(RunSummaryText, RetryableErrorsAreNotJobsWaiting) {
  engine::RunSummary s;
  s.requests = 388;
  s.succeeded = 300;
  s.retries = 88;
  s.duration_ms = 7'500;
  EXPECT_EQ(run_summary_text(2, s, {0, 0, 0, 0, {}}, kExitOk),
            "run 2: 388 requests in 7.5 s (51.7/s): 300 succeeded, 0 failed, 0 dead, 88 retryable "
            "errors\n"
            "0 job(s) still waiting in scope\n");
}

TEST(RunSummaryText, ACircuitBreakerSaysHowToBringTheRefusedJobsBack) {
  auto s = stopped_by(engine::StopCause::kCircuitBreaker, "circuit breaker: wrong keys");
  s.refused = 20;
  ScopeCounts scope{16, 0, 20, 0, std::nullopt};
  const std::string hint =
      "20 job(s) answered 401/403 in this run are failed: once the keys work (`oneall-bulk "
      "check`), `oneall-bulk retry --state failed` brings them back";
  EXPECT_NE(run_summary_text(4, s, scope, kExitStoppedEarly).find(hint), std::string::npos);
  scope.batch = 3;  // a run of one batch: the retry keeps to it
  EXPECT_NE(run_summary_text(4, s, scope, kExitStoppedEarly)
                .find("`oneall-bulk retry --state failed --batch 3` brings them back"),
            std::string::npos);
  // Everything was refused and nothing is left: exit 1, and the same advice.
  EXPECT_NE(run_summary_text(4, s, {0, 0, 20, 0, {}}, kExitJobsFailed).find(hint),
            std::string::npos);
  // Refusals without a breaker (isolated 403s, or --max-auth-failures 0) are ordinary failures.
  s.stop_cause = engine::StopCause::kNone;
  EXPECT_EQ(run_summary_text(4, s, {0, 0, 20, 0, {}}, kExitJobsFailed).find("401/403"),
            std::string::npos);
}

TEST(RunSummaryText, CircuitBreakerNamesTheLikelyCauseEvenWithoutTheRunnersReason) {
  const auto text = run_summary_text(1, stopped_by(engine::StopCause::kCircuitBreaker, ""),
                                     {10, 0, 5, 0, {}}, kExitStoppedEarly);
  EXPECT_NE(text.find("stopped (circuit_breaker): "), std::string::npos) << text;
  EXPECT_NE(text.find("keys"), std::string::npos) << text;
  EXPECT_NE(text.find("consent"), std::string::npos) << text;
}

TEST(RunSummaryText, FailuresPointToStatusAndAudit) {
  engine::RunSummary s;
  s.requests = 2;
  s.succeeded = 1;
  s.failed = 1;
  s.duration_ms = 0;
  EXPECT_EQ(run_summary_text(3, s, {0, 0, 1, 0, {}}, kExitJobsFailed),
            "run 3: 2 requests in 0.0 s (0.0/s): 1 succeeded, 1 failed, 0 dead, 0 retryable "
            "errors\n"
            "0 job(s) still waiting in scope\n"
            "1 job(s) failed or are dead: see `oneall-bulk status` and `oneall-bulk audit`\n");
}

TEST(RunSummaryJson, CarriesStopCauseReasonAndRate) {
  const auto s = stopped_by(engine::StopCause::kSignal, "asked to stop (\"signal\")");
  EXPECT_EQ(run_summary_json(9, s, {10, 2, 6, 4, {}}, kExitStoppedEarly),
            R"({"run_id":9,"requests":412,"succeeded":400,"failed":6,"dead":4,"retries":7,)"
            R"("refused":0,"duration_ms":10300,"rate_per_s":40.00,)"
            R"("latency_ms":{"answered":0,"p50":null,"p90":null,"p99":null},"stopped_early":true,)"
            R"("stop_cause":"signal",)"
            R"js("stop_reason":"asked to stop (\"signal\")","jobs_left":12,"jobs_pending":10,)js"
            R"("jobs_running":2,"other_live_runs":0,"jobs_scheduled":0,"next_scheduled_at":null,)"
            R"("jobs_paused":0,"exit_code":4})");
}

TEST(RunSummary, GivesTheRunsLatencyPercentiles) {
  const auto s = stopped_by(engine::StopCause::kNone, "");
  const store::LatencySummary latency{412, 9000, 12, 30, 81};
  EXPECT_NE(run_summary_text(9, s, {0, 0, 0, 0, {}}, kExitOk, latency)
                .find("\nlatency: p50 12 ms, p90 30 ms, p99 81 ms over 412 answered requests\n"),
            std::string::npos);
  EXPECT_EQ(run_summary_text(9, s, {0, 0, 0, 0, {}}, kExitOk).find("latency"), std::string::npos);
  EXPECT_NE(run_summary_json(9, s, {0, 0, 0, 0, {}}, kExitOk, latency)
                .find(R"("latency_ms":{"answered":412,"p50":12,"p90":30,"p99":81})"),
            std::string::npos);
}

TEST(StopCauseName, EveryCause) {
  EXPECT_EQ(stop_cause_name(engine::StopCause::kNone), "none");
  EXPECT_EQ(stop_cause_name(engine::StopCause::kSignal), "signal");
  EXPECT_EQ(stop_cause_name(engine::StopCause::kDeadline), "deadline");
  EXPECT_EQ(stop_cause_name(engine::StopCause::kCircuitBreaker), "circuit_breaker");
  EXPECT_EQ(stop_cause_name(engine::StopCause::kBlocked), "blocked");
}

}  // namespace
}  // namespace oneall::cli
