// The runner against faults: the real sandbox where it can inject them (a 429 with Retry-After
// from its throttle, a connection reset after the change was applied, with a fixed seed), and
// a scripted loopback server for answers the sandbox cannot give (503 with Retry-After, 401s
// between successes, an error flag on a 200, a body that is not JSON, 5xx then 404).
// Concurrency 1 throughout: the scripted server serves one connection at a time, and the
// sandbox's seeded faults fall in a fixed order only for a client that sends one at a time.
#include <gtest/gtest.h>

#include "canned_http_server.hpp"
#include "engine/runner.hpp"
#include "engine_test_helpers.hpp"

namespace oneall::engine {
namespace {

using testing::action_of;
using testing::canned;
using testing::CannedHttpServer;
using testing::CannedReply;
using testing::envelope;

class RunnerFaultsTest : public testing::RunnerFixture {
 protected:
  void use(const CannedHttpServer& server) {
    ASSERT_TRUE(server.listening());
    options_.api_root = server.base_url();
    options_.concurrency = 1;
    options_.retry_base_ms = 1;
    options_.retry_cap_ms = 5;
  }

  // The sandbox with `faults`, one request at a time, retries due at once unless told.
  void use_sandbox_faults(sandbox::SandboxOptions faults) {
    use_sandbox(std::move(faults));
    options_.concurrency = 1;
    options_.retry_base_ms = 1;
    options_.retry_cap_ms = 5;
  }

  const api::Action delete_pin_ = action_of(api::Op::kDelete, api::Target::kPinterestPin, "42");
  const api::Action update_pin_ = action_of(api::Op::kUpdate, api::Target::kPinterestPin, "42");
};

TEST_F(RunnerFaultsTest, RetryAfterIsAFloorForTheNextAttempt) {
  CannedHttpServer server({canned(503, envelope("error", 503), "Retry-After: 1\r\n"),
                           canned(200, envelope("success", 200))});
  use(server);
  import({delete_pin_});
  const RunSummary summary = run();
  EXPECT_EQ(summary.requests, 2);
  EXPECT_EQ(summary.retries, 1);
  EXPECT_EQ(summary.succeeded, 1);
  const auto attempts = rows();
  ASSERT_EQ(attempts.size(), 2u);
  EXPECT_EQ(attempts[0].http_status, 503);
  EXPECT_EQ(attempts[0].retry_after, "1");
  EXPECT_EQ(attempts[0].outcome, "retry");
  EXPECT_EQ(attempts[0].note, "http_503");
  EXPECT_EQ(attempts[0].api_flag, "error");
  // The backoff alone would be at most 5 ms.
  EXPECT_GE(attempts[1].started_at - attempts[0].ended_at, 1'000);
  EXPECT_EQ(attempts[1].outcome, "succeeded");
}

TEST_F(RunnerFaultsTest, ALaterRunHonoursTheStoredTimeOfTheNextAttempt) {
  // The sandbox lets one request through every 2 s: the tweet's takes the token, so the pin's,
  // right after it, is answered 429 with Retry-After: 2 and is stored as due 2 s later.
  sandbox::SandboxOptions throttled;
  throttled.throttle_rps = 0.5;
  throttled.throttle_burst = 1;
  throttled.seed = 1;
  use_sandbox_faults(throttled);
  import({action_of(api::Op::kDelete, api::Target::kTwitterTweet, "41"), delete_pin_});
  options_.deadline = clock_.now_ms() + 1000;  // ends while the retry waits
  const RunSummary first = run();
  EXPECT_EQ(first.stop_cause, StopCause::kDeadline);
  EXPECT_TRUE(first.stopped_early);
  EXPECT_EQ(count(store::JobState::kPending), 1);

  options_.deadline.reset();
  const RunSummary second = run();
  EXPECT_EQ(second.succeeded, 1);
  EXPECT_EQ(count(store::JobState::kSucceeded), 2);
  const auto attempts = rows(2);  // the pin's
  ASSERT_EQ(attempts.size(), 2u) << "sent early, the sandbox would have refused it again";
  EXPECT_EQ(attempts[0].http_status, 429);
  EXPECT_EQ(attempts[0].retry_after, "2");
  EXPECT_EQ(attempts[1].http_status, 200);
  EXPECT_NE(attempts[0].run_id, attempts[1].run_id);
  EXPECT_GE(attempts[1].started_at - attempts[0].ended_at, 2'000);
  EXPECT_EQ(stats().throttled, 1u);
}

TEST_F(RunnerFaultsTest, ADelete404AfterA5xxIsAlreadyGone) {
  CannedHttpServer server(
      {canned(502, envelope("error", 502)), canned(404, envelope("error", 404))});
  use(server);
  import({delete_pin_});
  const RunSummary summary = run();
  EXPECT_EQ(summary.succeeded, 1);
  EXPECT_EQ(count(store::JobState::kSucceeded), 1);
  const auto attempts = rows();
  ASSERT_EQ(attempts.size(), 2u);
  EXPECT_EQ(attempts[1].http_status, 404);
  EXPECT_EQ(attempts[1].outcome, "succeeded");
  EXPECT_EQ(attempts[1].note, "already_gone");
}

TEST_F(RunnerFaultsTest, ADelete404AfterALostConnectionIsAlreadyGone) {
  // Seed 23 draws, for the first request, a reset after the change was applied, and for the
  // second none: the delete is made, its answer lost; the retry finds the pin gone.
  sandbox::SandboxOptions resets;
  resets.reset_rate = 0.5;
  resets.seed = 23;
  use_sandbox_faults(resets);
  import({delete_pin_});
  run();
  const auto attempts = rows();
  ASSERT_EQ(attempts.size(), 2u);
  EXPECT_EQ(attempts[0].http_status, 0);
  EXPECT_EQ(attempts[0].note, "connection_lost");
  EXPECT_NE(attempts[0].curl_error, "");
  EXPECT_EQ(attempts[1].http_status, 404);
  EXPECT_EQ(attempts[1].note, "already_gone");
  EXPECT_EQ(count(store::JobState::kSucceeded), 1);
  const auto faults = stats();
  EXPECT_EQ(faults.resets, 1u);
  EXPECT_EQ(faults.resets_after_apply, 1u);
  EXPECT_EQ(faults.applied, 1u);
  EXPECT_EQ(faults.not_found, 1u);
}

TEST_F(RunnerFaultsTest, ADelete404AfterA429IsAFailure) {
  // A 429 refused the first attempt: nothing was deleted then, so the 404 is the object's.
  CannedHttpServer server(
      {canned(429, envelope("error", 429)), canned(404, envelope("error", 404))});
  use(server);
  import({delete_pin_});
  run();
  const auto attempts = rows();
  ASSERT_EQ(attempts.size(), 2u);
  EXPECT_EQ(attempts[1].outcome, "failed");
  EXPECT_EQ(attempts[1].note, "http_404");
  EXPECT_EQ(count(store::JobState::kFailed), 1);
}

TEST_F(RunnerFaultsTest, AnUpdate404AfterA5xxIsAFailure) {
  CannedHttpServer server(
      {canned(503, envelope("error", 503)), canned(404, envelope("error", 404))});
  use(server);
  import({update_pin_});
  run();
  const auto attempts = rows();
  ASSERT_EQ(attempts.size(), 2u);
  EXPECT_EQ(attempts[1].note, "http_404");
  EXPECT_EQ(count(store::JobState::kFailed), 1);
}

TEST_F(RunnerFaultsTest, AnErrorFlagOnA200IsAFailure) {
  CannedHttpServer server({canned(200, envelope("error", 200))});
  use(server);
  import({update_pin_});
  const RunSummary summary = run();
  EXPECT_EQ(summary.failed, 1);
  const auto attempts = rows();
  ASSERT_EQ(attempts.size(), 1u);
  EXPECT_EQ(attempts[0].note, "api_flag_error");
  EXPECT_EQ(attempts[0].api_info, "canned");
}

// The breaker counts refusals in a row: a success between them starts the count again. At a
// threshold of 3, 401 401 200 401 401 goes on; a third 401 in a row then stops the run.
TEST_F(RunnerFaultsTest, ASuccessBetweenRefusalsStartsTheBreakersCountAgain) {
  const CannedReply refused = canned(401, envelope("error", 401));
  const CannedReply accepted = canned(200, envelope("success", 200));
  CannedHttpServer server({refused, refused, accepted, refused, refused, refused, accepted});
  use(server);
  options_.breaker_threshold = 3;
  std::vector<api::Action> tweets;
  for (int i = 1; i <= 7; ++i) {
    tweets.push_back(action_of(api::Op::kDelete, api::Target::kTwitterTweet, std::to_string(i)));
  }
  import(tweets);
  const RunSummary summary = run();
  EXPECT_EQ(summary.requests, 6) << "not tripped by the 4th and 5th answers, tripped by the 6th";
  EXPECT_EQ(summary.succeeded, 1);
  EXPECT_EQ(summary.failed, 5);
  EXPECT_EQ(summary.stop_cause, StopCause::kCircuitBreaker);
  EXPECT_EQ(count(store::JobState::kPending), 1);
  EXPECT_EQ(server.requests().size(), 6u);
}

TEST_F(RunnerFaultsTest, A5xxEveryTimeEndsDeadAfterMaxAttempts) {
  CannedHttpServer server({canned(500, "not json at all")});
  use(server);
  options_.max_attempts = 4;
  import({update_pin_});
  const RunSummary summary = run();
  EXPECT_EQ(summary.requests, 4);
  EXPECT_EQ(summary.retries, 3);
  EXPECT_EQ(summary.dead, 1);
  EXPECT_EQ(server.requests().size(), 4u);
  const auto attempts = rows();
  ASSERT_EQ(attempts.size(), 4u);
  EXPECT_EQ(attempts[3].outcome, "dead");
  EXPECT_EQ(attempts[3].api_flag, "");  // an unparsable body is still audited, unparsed
  EXPECT_EQ(attempts[3].response_body, "not json at all");
}

}  // namespace
}  // namespace oneall::engine
