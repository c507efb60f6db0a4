// The runner against the real parts: a SQLite queue in a temp dir and the sandbox over loopback
// HTTP through libcurl.
#include "engine/runner.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <set>

#include "engine/retry_policy.hpp"
#include "engine_test_helpers.hpp"

namespace oneall::engine {
namespace {

using testing::action_of;
using testing::closed_port;
using testing::mixed_jobs;

class RunnerTest : public testing::RunnerFixture {};

TEST_F(RunnerTest, EveryJobOfEveryTargetSucceedsExactlyOnce) {
  constexpr int kJobs = 140;
  import(mixed_jobs(kJobs));
  const EpochMs before = clock_.now_ms();
  const RunSummary summary = run();
  const EpochMs after = clock_.now_ms();
  EXPECT_EQ(summary.requests, kJobs);
  EXPECT_EQ(summary.succeeded, kJobs);
  EXPECT_EQ(summary.failed + summary.dead + summary.retries, 0);
  EXPECT_FALSE(summary.stopped_early);
  EXPECT_LE(summary.duration_ms, after - before);  // the run's own time, no more
  EXPECT_EQ(count(store::JobState::kSucceeded), kJobs);
  EXPECT_EQ(stats().requests, static_cast<std::uint64_t>(kJobs));
  EXPECT_EQ(stats().applied, static_cast<std::uint64_t>(kJobs));
  EXPECT_EQ(stats().repeated, 0u);

  const auto attempts = rows();
  ASSERT_EQ(attempts.size(), static_cast<std::size_t>(kJobs));
  std::set<std::int64_t> jobs;
  for (const auto& row : attempts) {
    jobs.insert(row.job_id);
    EXPECT_EQ(row.attempt, 1);
    EXPECT_EQ(row.http_status, 200);
    EXPECT_EQ(row.api_flag, "success");
    EXPECT_EQ(row.api_code, 200);
    EXPECT_EQ(row.outcome, "succeeded");
    EXPECT_EQ(row.note, "");
    EXPECT_EQ(row.curl_error, "");
    EXPECT_FALSE(row.response_truncated);
    EXPECT_EQ(row.requests_sent, 1);
    EXPECT_NE(row.response_body.find("\"success\""), std::string::npos);
    EXPECT_TRUE(row.method == "PUT" || row.method == "DELETE") << row.method;
    EXPECT_EQ(row.request_body.empty(), row.method == "DELETE");
    EXPECT_EQ(row.path.rfind("/update/identities/", 0), 0u) << row.path;
    EXPECT_LE(row.started_at, row.ended_at);
  }
  EXPECT_EQ(jobs.size(), static_cast<std::size_t>(kJobs));  // one row per job
  // ... and no less than the time from the first request's start to the last one's end.
  EpochMs first_start = attempts.front().started_at;
  EpochMs last_end = attempts.front().ended_at;
  for (const auto& row : attempts) {
    first_start = std::min(first_start, row.started_at);
    last_end = std::max(last_end, row.ended_at);
  }
  EXPECT_GE(summary.duration_ms, last_end - first_start);
  EXPECT_GT(summary.duration_ms, 0);
}

TEST_F(RunnerTest, BadCredentialsFailEveryJobWith401AndNoKeyIsRecorded) {
  options_.credentials.public_key = "wrong-public-key";
  options_.credentials.private_key = "wrong-private-key";
  import(mixed_jobs(5));
  const RunSummary summary = run();
  EXPECT_EQ(summary.failed, 5);
  EXPECT_EQ(summary.retries, 0);
  EXPECT_EQ(count(store::JobState::kFailed), 5);
  EXPECT_EQ(stats().unauthorized, 5u);
  EXPECT_EQ(stats().applied, 0u);
  for (const auto& row : rows()) {
    EXPECT_EQ(row.http_status, 401);
    EXPECT_EQ(row.api_flag, "error");
    EXPECT_EQ(row.api_code, 401);
    EXPECT_EQ(row.outcome, "failed");
    EXPECT_EQ(row.note, "http_401");
    for (const std::string* text : {&row.path, &row.request_body, &row.curl_error,
                                    &row.response_body, &row.api_info, &row.retry_after}) {
      EXPECT_EQ(text->find("wrong-private-key"), std::string::npos) << *text;
      EXPECT_EQ(text->find("wrong-public-key"), std::string::npos) << *text;
    }
  }
}

TEST_F(RunnerTest, AMissingObjectFailsAloneWith404OnItsFirstAttempt) {
  sandbox::SandboxOptions sandbox_options;
  sandbox_options.missing_objects = {"100001"};
  use_sandbox(sandbox_options);
  import(mixed_jobs(4));  // job 2 deletes pin 100001
  const RunSummary summary = run();
  EXPECT_EQ(summary.failed, 1);
  EXPECT_EQ(summary.succeeded, 3);
  EXPECT_EQ(count(store::JobState::kFailed), 1);
  EXPECT_EQ(count(store::JobState::kSucceeded), 3);
  const auto job_rows = rows(2);
  ASSERT_EQ(job_rows.size(), 1u);
  EXPECT_EQ(job_rows.front().http_status, 404);
  EXPECT_EQ(job_rows.front().outcome, "failed");
  EXPECT_EQ(job_rows.front().note, "http_404");
}

TEST_F(RunnerTest, JobsOnOneObjectAreSentOneAtATimeInFileOrder) {
  sandbox::SandboxOptions sandbox_options;
  sandbox_options.latency_ms = 20;
  use_sandbox(sandbox_options);
  options_.concurrency = 8;
  const api::Action first = action_of(api::Op::kUpdate, api::Target::kPinterestPin, "77");
  api::Action second = first;
  second.fields.link = "https://second.example/";
  const api::Action last = action_of(api::Op::kDelete, api::Target::kPinterestPin, "77");
  std::vector<api::Action> actions = mixed_jobs(10);
  actions.insert(actions.begin() + 2, first);
  actions.insert(actions.begin() + 5, second);
  actions.push_back(last);
  import(actions);  // pin 77's jobs are ids 3, 6 and 13

  run();
  // Had the delete overtaken an update, that update would have found no pin (404).
  EXPECT_EQ(count(store::JobState::kSucceeded), 13);
  EXPECT_EQ(stats().requests, 13u);
  EXPECT_EQ(stats().applied, 13u);
  EXPECT_EQ(stats().not_found, 0u);
  EXPECT_EQ(stats().repeated, 0u);
  std::vector<store::AttemptRow> pin_rows;
  for (std::int64_t job : {3, 6, 13}) {
    const auto job_rows = rows(job);
    ASSERT_EQ(job_rows.size(), 1u);
    pin_rows.push_back(job_rows.front());
  }
  EXPECT_LE(pin_rows[0].ended_at, pin_rows[1].started_at);
  EXPECT_LE(pin_rows[1].ended_at, pin_rows[2].started_at);
}

// With 500/503 answers on a third of the requests, jobs come back for another attempt: a job
// waiting for its retry still holds its object, so its later object-mates wait for it. Each pin
// has two updates then a delete; a delete that overtook an update would leave it a 404.
TEST_F(RunnerTest, JobsOnOneObjectKeepTheirOrderAcrossRetries) {
  constexpr int kPins = 8;
  sandbox::SandboxOptions errors;
  errors.error_rate = 0.3;
  errors.seed = 7;
  errors.latency_ms = 2;
  use_sandbox(errors);
  options_.concurrency = 8;
  options_.max_attempts = 15;  // 0.3^15: none dies
  options_.retry_base_ms = 1;
  options_.retry_cap_ms = 20;
  std::vector<api::Action> actions = mixed_jobs(20);
  for (int round = 0; round < 3; ++round) {
    for (int pin = 0; pin < kPins; ++pin) {
      const std::string id = std::to_string(7700 + pin);
      api::Action action = action_of(round < 2 ? api::Op::kUpdate : api::Op::kDelete,
                                     api::Target::kPinterestPin, id);
      if (round == 1) action.fields.link = "https://second.example/" + id;
      actions.push_back(action);
    }
  }
  import(actions);  // pin p's jobs are 21 + p, 29 + p, 37 + p

  const RunSummary summary = run();
  EXPECT_EQ(summary.succeeded, 20 + 3 * kPins);
  EXPECT_EQ(stats().not_found, 0u);
  int retried_before_a_mate = 0;
  for (int pin = 0; pin < kPins; ++pin) {
    std::vector<store::AttemptRow> pin_rows;
    for (std::int64_t job : {21 + pin, 29 + pin, 37 + pin}) {
      const auto job_rows = rows(job);
      ASSERT_FALSE(job_rows.empty()) << job;
      EXPECT_EQ(job_rows.back().outcome, "succeeded") << job;
      if (job != 37 + pin && job_rows.size() > 1) ++retried_before_a_mate;
      pin_rows.insert(pin_rows.end(), job_rows.begin(), job_rows.end());
    }
    // In file order, job by job, each attempt over before the next one starts.
    for (std::size_t i = 1; i < pin_rows.size(); ++i) {
      EXPECT_LE(pin_rows[i - 1].ended_at, pin_rows[i].started_at)
          << "pin " << pin << ": attempt " << pin_rows[i].attempt << " of job "
          << pin_rows[i].job_id << " started before attempt " << pin_rows[i - 1].attempt
          << " of job " << pin_rows[i - 1].job_id << " ended";
    }
  }
  EXPECT_GT(retried_before_a_mate, 0) << "no update was retried: the test proved nothing";
}

TEST_F(RunnerTest, ConcurrencyIsBoundedAndUsed) {
  sandbox::SandboxOptions sandbox_options;
  sandbox_options.latency_ms = 50;
  use_sandbox(sandbox_options);
  options_.concurrency = 8;
  import(mixed_jobs(40));
  const auto start = std::chrono::steady_clock::now();
  run();
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(count(store::JobState::kSucceeded), 40);
  EXPECT_LE(stats().max_concurrent, 8u);
  EXPECT_GE(stats().max_concurrent, 6u);  // and actually reached, give or take scheduling
  EXPECT_GE(elapsed, std::chrono::milliseconds(5 * 50));  // 40 jobs / 8 at a time × 50 ms
}

// A finished request's slot waits off the multi handle for its commit; its connection must
// wait in libcurl's cache meanwhile, not be closed (libcurl's default cache shrinks with the
// handles attached), or every turn costs new TCP connections.
TEST_F(RunnerTest, ConnectionsAreReusedAcrossTheRun) {
  use_sandbox({});
  options_.concurrency = 8;
  import(mixed_jobs(1000));
  run();
  EXPECT_EQ(count(store::JobState::kSucceeded), 1000);
  EXPECT_LE(stats().connections, 8u);
  EXPECT_GE(stats().connections, 1u);
}

TEST_F(RunnerTest, ConcurrencyOneSendsOneAtATime) {
  sandbox::SandboxOptions sandbox_options;
  sandbox_options.latency_ms = 10;
  use_sandbox(sandbox_options);
  options_.concurrency = 1;
  import(mixed_jobs(6));
  run();
  EXPECT_EQ(count(store::JobState::kSucceeded), 6);
  EXPECT_EQ(stats().max_concurrent, 1u);
}

TEST_F(RunnerTest, AnUnreachableServerIsRetriedWithBackoffThenDead) {
  options_.api_root = "http://127.0.0.1:" + std::to_string(closed_port());
  options_.max_attempts = 3;
  options_.retry_base_ms = 10;
  options_.retry_cap_ms = 40;
  import(mixed_jobs(3));
  const RunSummary summary = run();
  EXPECT_EQ(summary.requests, 9);
  EXPECT_EQ(summary.retries, 6);
  EXPECT_EQ(summary.dead, 3);
  EXPECT_FALSE(summary.stopped_early);
  EXPECT_EQ(count(store::JobState::kDead), 3);
  const auto job_rows = rows(1);
  ASSERT_EQ(job_rows.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(job_rows[i].attempt, i + 1);
    EXPECT_EQ(job_rows[i].http_status, 0);
    EXPECT_NE(job_rows[i].curl_error.find("Couldn't connect"), std::string::npos)
        << job_rows[i].curl_error;
    EXPECT_EQ(job_rows[i].note, "not_sent");
  }
  EXPECT_EQ(job_rows[0].outcome, "retry");
  EXPECT_EQ(job_rows[1].outcome, "retry");
  EXPECT_EQ(job_rows[2].outcome, "dead");
}

TEST_F(RunnerTest, ARetryWaitsForItsBackoff) {
  // One job, so the backoffs are drawn in a known order from the seeded generator.
  options_.api_root = "http://127.0.0.1:" + std::to_string(closed_port());
  options_.max_attempts = 3;
  options_.retry_base_ms = 60;
  options_.retry_cap_ms = 1'000;
  options_.random_seed = 12345;
  import({action_of(api::Op::kDelete, api::Target::kTwitterTweet, "1")});
  run();
  std::mt19937_64 same(12345);
  const std::int64_t first_wait = backoff_ms(1, 60, 1'000, same);
  const std::int64_t second_wait = backoff_ms(2, 60, 1'000, same);
  const auto job_rows = rows(1);
  ASSERT_EQ(job_rows.size(), 3u);
  EXPECT_GE(job_rows[1].started_at - job_rows[0].ended_at, first_wait);
  EXPECT_GE(job_rows[2].started_at - job_rows[1].ended_at, second_wait);
  EXPECT_LT(job_rows[2].started_at - job_rows[0].ended_at, 5'000);  // and not much longer
}

TEST_F(RunnerTest, ATimeoutIsRetriedAndRecordedAsSent) {
  sandbox::SandboxOptions sandbox_options;
  sandbox_options.latency_ms = 400;
  use_sandbox(sandbox_options);
  options_.timeout_ms = 100;
  options_.max_attempts = 2;
  options_.retry_base_ms = 1;
  import({action_of(api::Op::kDelete, api::Target::kTwitterTweet, "1")});
  const RunSummary summary = run();
  EXPECT_EQ(summary.dead, 1);
  const auto attempts = rows();
  ASSERT_EQ(attempts.size(), 2u);
  EXPECT_NE(attempts[0].curl_error.find("Timeout"), std::string::npos) << attempts[0].curl_error;
  EXPECT_EQ(attempts[0].note, "timeout");
  EXPECT_EQ(attempts[0].outcome, "retry");
  EXPECT_EQ(attempts[1].outcome, "dead");
  EXPECT_EQ(count(store::JobState::kDead), 1);
}

TEST_F(RunnerTest, ResponseBodiesAreCappedAndFlagged) {
  options_.response_body_cap = 40;
  import({action_of(api::Op::kDelete, api::Target::kTwitterTweet, "1")});
  run();
  const auto attempts = rows();
  ASSERT_EQ(attempts.size(), 1u);
  EXPECT_EQ(attempts.front().response_body.size(), 40u);
  EXPECT_TRUE(attempts.front().response_truncated);
  EXPECT_EQ(attempts.front().outcome, "succeeded");  // a truncated body is not an error
}

TEST_F(RunnerTest, BatchOptionWorksOnlyThatBatch) {
  import(mixed_jobs(3));
  import({action_of(api::Op::kDelete, api::Target::kTwitterTweet, "other")});
  options_.batch = 2;
  const RunSummary summary = run();
  EXPECT_EQ(summary.requests, 1);
  EXPECT_FALSE(summary.stopped_early);
  EXPECT_EQ(count(store::JobState::kSucceeded), 1);
  EXPECT_EQ(count(store::JobState::kPending), 3);
}

TEST_F(RunnerTest, AnEmptyQueueIsDoneAtOnce) {
  const auto start = std::chrono::steady_clock::now();
  const RunSummary summary = run();
  EXPECT_EQ(summary.requests, 0);
  EXPECT_FALSE(summary.stopped_early);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

TEST_F(RunnerTest, ASecondRunFindsNothingLeftToSend) {
  import(mixed_jobs(7));
  run();
  const RunSummary again = run();
  EXPECT_EQ(again.requests, 0);
  EXPECT_EQ(stats().requests, 7u);
}

}  // namespace
}  // namespace oneall::engine
