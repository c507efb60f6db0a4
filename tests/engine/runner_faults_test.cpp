// The runner against answers the sandbox cannot give yet (503 with Retry-After, a connection
// closed without an answer, an error flag on a 200): a scripted loopback server replies, the
// real queue records. Concurrency 1, as the scripted server serves one connection at a time.
#include <gtest/gtest.h>

#include "canned_http_server.hpp"
#include "engine/runner.hpp"
#include "engine_test_helpers.hpp"

namespace oneall::engine {
namespace {

using testing::action_of;
using testing::canned;
using testing::CannedHttpServer;
using testing::envelope;
using testing::hang_up;

class RunnerFaultsTest : public testing::RunnerFixture {
 protected:
  void use(const CannedHttpServer& server) {
    ASSERT_TRUE(server.listening());
    options_.api_root = server.base_url();
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
  CannedHttpServer server({canned(429, envelope("error", 429), "Retry-After: 2\r\n"),
                           canned(200, envelope("success", 200))});
  use(server);
  import({delete_pin_});
  options_.deadline = clock_.now_ms() + 200;  // ends while the retry waits
  const RunSummary first = run();
  EXPECT_EQ(first.stop_cause, StopCause::kDeadline);
  EXPECT_TRUE(first.stopped_early);
  EXPECT_EQ(count(store::JobState::kPending), 1);

  options_.deadline.reset();
  const RunSummary second = run();
  EXPECT_EQ(second.succeeded, 1);
  const auto attempts = rows();
  ASSERT_EQ(attempts.size(), 2u);
  EXPECT_NE(attempts[0].run_id, attempts[1].run_id);
  EXPECT_GE(attempts[1].started_at - attempts[0].ended_at, 2'000);
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
  CannedHttpServer server({hang_up(), canned(404, envelope("error", 404))});
  use(server);
  import({delete_pin_});
  run();
  const auto attempts = rows();
  ASSERT_EQ(attempts.size(), 2u);
  EXPECT_EQ(attempts[0].http_status, 0);
  EXPECT_EQ(attempts[0].note, "connection_lost");
  EXPECT_NE(attempts[0].curl_error, "");
  EXPECT_EQ(attempts[1].note, "already_gone");
  EXPECT_EQ(count(store::JobState::kSucceeded), 1);
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
