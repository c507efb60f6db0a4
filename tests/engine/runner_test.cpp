// The runner against the real parts: a SQLite queue in a temp dir and the sandbox over
// loopback HTTP through libcurl.
#include "engine/runner.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "support/sandbox_fixture.hpp"
#include "support/temp_dir.hpp"

namespace oneall::engine {
namespace {

constexpr const char* kIdentity = "2af20011-8965-471b-8f6b-8b66a611aae6";

api::Action action_of(api::Op op, api::Target target, std::string object_id,
                      std::string page_id = "") {
  api::Action action;
  action.op = op;
  action.target = target;
  action.identity = kIdentity;
  action.page_id = std::move(page_id);
  action.object_id = std::move(object_id);
  if (op == api::Op::kUpdate && target == api::Target::kPinterestPin) {
    action.fields.link = "https://new.example/" + action.object_id;
  } else if (op == api::Op::kUpdate) {
    action.fields.message = "edited " + action.object_id;
  }
  return action;
}

// n jobs cycling through every target and op the API allows.
std::vector<api::Action> mixed_jobs(int n) {
  std::vector<api::Action> actions;
  for (int i = 0; i < n; ++i) {
    const std::string id = std::to_string(100000 + i);
    switch (i % 7) {
      case 0:
        actions.push_back(action_of(api::Op::kUpdate, api::Target::kPinterestPin, id));
        break;
      case 1:
        actions.push_back(action_of(api::Op::kDelete, api::Target::kPinterestPin, id));
        break;
      case 2:
        actions.push_back(
            action_of(api::Op::kUpdate, api::Target::kFacebookPagePost, "9_" + id, "9"));
        break;
      case 3:
        actions.push_back(
            action_of(api::Op::kDelete, api::Target::kFacebookPagePost, "9_" + id, "9"));
        break;
      case 4:
        actions.push_back(action_of(api::Op::kDelete, api::Target::kFacebookPagePicture, id, "9"));
        break;
      case 5:
        actions.push_back(action_of(api::Op::kDelete, api::Target::kFacebookPageVideo, id, "9"));
        break;
      default:
        actions.push_back(action_of(api::Op::kDelete, api::Target::kTwitterTweet, id));
    }
  }
  return actions;
}

// A port on 127.0.0.1 where nothing listens: bound, then closed.
int closed_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

class RunnerTest : public oneall::testing::SandboxFixture {
 protected:
  void SetUp() override {
    SandboxFixture::SetUp();
    auto opened = store::Queue::open(dir_.file("queue.db"), clock_);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    queue_ = std::move(*opened);
    options_.api_root = base_url();
    options_.credentials = api::sandbox_credentials();
    options_.timeout_ms = 5000;
  }

  void import(const std::vector<api::Action>& actions) {
    auto session = queue_->begin_import("test");
    ASSERT_TRUE(session.ok());
    int line = 0;
    for (const auto& action : actions) {
      ASSERT_TRUE(
          (*session)->add(action, *api::render(action), "t:" + std::to_string(++line)).ok());
    }
    ASSERT_TRUE((*session)->commit().ok());
  }

  RunSummary run() {
    auto run_id = queue_->begin_run("{}");
    EXPECT_TRUE(run_id.ok());
    Runner runner(*queue_, options_, clock_, stop_);
    auto summary = runner.run(*run_id);
    EXPECT_TRUE(summary.ok()) << summary.error().message;
    return summary.ok() ? *summary : RunSummary{};
  }

  std::int64_t count(store::JobState state) { return queue_->status()->by_state[state]; }

  oneall::testing::TempDir dir_;
  SystemClock clock_;
  std::unique_ptr<store::Queue> queue_;
  RunOptions options_;
  std::atomic<bool> stop_{false};
};

TEST_F(RunnerTest, EveryJobOfEveryTargetSucceedsExactlyOnce) {
  import(mixed_jobs(140));
  const RunSummary summary = run();
  EXPECT_EQ(summary.requests, 140);
  EXPECT_EQ(summary.succeeded, 140);
  EXPECT_EQ(count(store::JobState::kSucceeded), 140);
  EXPECT_EQ(stats().requests, 140u);
  EXPECT_EQ(stats().applied, 140u);
  EXPECT_EQ(stats().repeated, 0u);

  auto attempts = queue_->attempts({});
  ASSERT_EQ(attempts->size(), 140u);
  for (const auto& row : *attempts) {
    EXPECT_EQ(row.http_status, 200);
    EXPECT_EQ(row.api_flag, "success");
    EXPECT_EQ(row.outcome, "succeeded");
    EXPECT_LE(row.started_at, row.ended_at);
  }
}

TEST_F(RunnerTest, BadCredentialsFailEveryJobWith401Recorded) {
  options_.credentials.private_key = "not-the-key";
  import(mixed_jobs(5));
  const RunSummary summary = run();
  EXPECT_EQ(summary.failed, 5);
  EXPECT_EQ(stats().unauthorized, 5u);
  for (const auto& row : *queue_->attempts({})) {
    EXPECT_EQ(row.http_status, 401);
    EXPECT_EQ(row.api_flag, "error");
    EXPECT_EQ(row.outcome, "failed");
    EXPECT_EQ(row.response_body.find("not-the-key"), std::string::npos);
  }
}

TEST_F(RunnerTest, AMissingObjectFailsAloneWith404) {
  sandbox::SandboxOptions sandbox_options;
  sandbox_options.missing_objects = {"100001"};
  restart_sandbox(sandbox_options);
  options_.api_root = base_url();
  import(mixed_jobs(4));  // job 2 deletes pin 100001
  run();
  EXPECT_EQ(count(store::JobState::kFailed), 1);
  EXPECT_EQ(count(store::JobState::kSucceeded), 3);
  auto rows = queue_->attempts({.job_id = 2, .run_id = std::nullopt});
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().http_status, 404);
  EXPECT_EQ(rows->front().note, "http_404");
}

TEST_F(RunnerTest, JobsOnOneObjectAreSentOneAtATimeInFileOrder) {
  sandbox::SandboxOptions sandbox_options;
  sandbox_options.latency_ms = 20;
  restart_sandbox(sandbox_options);
  options_.api_root = base_url();
  options_.concurrency = 8;
  api::Action first = action_of(api::Op::kUpdate, api::Target::kPinterestPin, "77");
  api::Action second = first;
  second.fields.link = "https://second.example/";
  const api::Action last = action_of(api::Op::kDelete, api::Target::kPinterestPin, "77");
  std::vector<api::Action> actions = mixed_jobs(10);
  actions.insert(actions.begin() + 2, first);
  actions.insert(actions.begin() + 5, second);
  actions.push_back(last);
  import(actions);  // pin 77's jobs are ids 3, 6 and 13

  run();
  EXPECT_EQ(count(store::JobState::kSucceeded),
            13);  // the delete came last: the updates found the pin
  EXPECT_EQ(stats().repeated, 0u);
  std::vector<store::AttemptRow> pin_rows;
  for (std::int64_t job : {3, 6, 13}) {
    auto rows = queue_->attempts({.job_id = job, .run_id = std::nullopt});
    ASSERT_EQ(rows->size(), 1u);
    pin_rows.push_back(rows->front());
  }
  EXPECT_LE(pin_rows[0].ended_at, pin_rows[1].started_at);
  EXPECT_LE(pin_rows[1].ended_at, pin_rows[2].started_at);
}

TEST_F(RunnerTest, ConcurrencyIsBoundedAndUsed) {
  sandbox::SandboxOptions sandbox_options;
  sandbox_options.latency_ms = 50;
  restart_sandbox(sandbox_options);
  options_.api_root = base_url();
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

TEST_F(RunnerTest, UnreachableServerIsRetriedWithBackoffThenDead) {
  options_.api_root = "http://127.0.0.1:" + std::to_string(closed_port());
  options_.max_attempts = 3;
  options_.retry_base_ms = 10;
  options_.retry_cap_ms = 40;
  import(mixed_jobs(3));
  const RunSummary summary = run();
  EXPECT_EQ(summary.requests, 9);
  EXPECT_EQ(summary.retries, 6);
  EXPECT_EQ(summary.dead, 3);
  EXPECT_EQ(count(store::JobState::kDead), 3);
  auto rows = queue_->attempts({.job_id = 1, .run_id = std::nullopt});
  ASSERT_EQ(rows->size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(rows->at(i).attempt, i + 1);
    EXPECT_EQ(rows->at(i).http_status, 0);
    EXPECT_NE(rows->at(i).curl_error, "");
  }
  EXPECT_EQ(rows->at(0).outcome, "retry");
  EXPECT_EQ(rows->at(2).outcome, "dead");
}

TEST_F(RunnerTest, ATimeoutIsATransportErrorAndRetried) {
  sandbox::SandboxOptions sandbox_options;
  sandbox_options.latency_ms = 400;
  restart_sandbox(sandbox_options);
  options_.api_root = base_url();
  options_.timeout_ms = 100;
  options_.max_attempts = 2;
  options_.retry_base_ms = 1;
  import({action_of(api::Op::kDelete, api::Target::kTwitterTweet, "1")});
  run();
  auto rows = queue_->attempts({});
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_NE(rows->at(0).curl_error.find("Timeout"), std::string::npos) << rows->at(0).curl_error;
  EXPECT_EQ(count(store::JobState::kDead), 1);
}

TEST_F(RunnerTest, ResponseBodiesAreCappedAndFlagged) {
  options_.response_body_cap = 40;
  import({action_of(api::Op::kDelete, api::Target::kTwitterTweet, "1")});
  run();
  auto rows = queue_->attempts({});
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().response_body.size(), 40u);
  EXPECT_TRUE(rows->front().response_truncated);
  EXPECT_EQ(rows->front().outcome, "succeeded");  // a truncated body is not an error
}

TEST_F(RunnerTest, AStopRequestClaimsNothingAndReportsWorkLeft) {
  import(mixed_jobs(5));
  stop_ = true;
  const RunSummary summary = run();
  EXPECT_TRUE(summary.stopped_early);
  EXPECT_EQ(summary.requests, 0);
  EXPECT_EQ(count(store::JobState::kPending), 5);
  EXPECT_EQ(stats().requests, 0u);
}

TEST_F(RunnerTest, BatchOptionWorksOnlyThatBatch) {
  import(mixed_jobs(3));
  import({action_of(api::Op::kDelete, api::Target::kTwitterTweet, "other")});
  options_.batch = 2;
  run();
  EXPECT_EQ(count(store::JobState::kSucceeded), 1);
  EXPECT_EQ(count(store::JobState::kPending), 3);
}

}  // namespace
}  // namespace oneall::engine
