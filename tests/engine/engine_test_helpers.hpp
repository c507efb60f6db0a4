// Builders shared by the engine's integration tests: actions over the five targets, a port
// where nothing listens, and a fixture holding a real queue file in a temporary directory next
// to the real sandbox on an ephemeral loopback port.
#pragma once

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "api/action.hpp"
#include "engine/runner.hpp"
#include "store/sqlite_queue.hpp"
#include "support/sandbox_fixture.hpp"
#include "support/temp_dir.hpp"
#include "support/test_lease.hpp"
#include "util/clock.hpp"

namespace oneall::engine::testing {

inline constexpr const char* kIdentity = "2af20011-8965-471b-8f6b-8b66a611aae6";

inline api::Action action_of(api::Op op, api::Target target, std::string object_id,
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

// n jobs on n different objects, cycling through every target and op the API allows.
inline std::vector<api::Action> mixed_jobs(int n) {
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
inline int closed_port() {
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

class RunnerFixture : public oneall::testing::SandboxFixture {
 protected:
  void SetUp() override {
    SandboxFixture::SetUp();
    auto opened = store::SqliteQueue::open(dir_.file("queue.db"), clock_);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    queue_ = std::move(*opened);
    options_.api_root = base_url();
    options_.credentials = api::sandbox_credentials();
    options_.timeout_ms = 5000;
    options_.connect_timeout_ms = 2000;
    options_.random_seed = 1;
  }

  // Restarts the sandbox with `options` and points the runner at it.
  void use_sandbox(sandbox::SandboxOptions options) {
    restart_sandbox(std::move(options));
    options_.api_root = base_url();
  }

  void import(const std::vector<api::Action>& actions) {
    auto session = queue_->begin_import("test");
    ASSERT_TRUE(session.ok()) << session.error().message;
    int line = 0;
    for (const auto& action : actions) {
      auto request = api::render(action);
      ASSERT_TRUE(request.ok()) << request.error().message;
      Status added = (*session)->add(action, *request, "t:" + std::to_string(++line));
      ASSERT_TRUE(added.ok()) << added.error().message;
    }
    auto committed = (*session)->commit();
    ASSERT_TRUE(committed.ok()) << committed.error().message;
  }

  Result<RunSummary> try_run() {
    auto run_id = queue_->begin_run("{}", oneall::testing::kTestLeaseMs);
    if (!run_id) return run_id.error();
    Runner runner(*queue_, options_, clock_, stop_);
    return runner.run(*run_id);
  }

  RunSummary run() {
    auto summary = try_run();
    EXPECT_TRUE(summary.ok()) << summary.error().message;
    return summary.ok() ? *summary : RunSummary{};
  }

  // Waits (bounded) until the sandbox has received `n` requests.
  bool wait_for_requests(std::uint64_t n) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (stats().requests < n) {
      if (std::chrono::steady_clock::now() > give_up) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
  }

  std::int64_t count(store::JobState state) {
    auto status = queue_->status();
    EXPECT_TRUE(status.ok()) << status.error().message;
    return status.ok() ? status->by_state[state] : -1;
  }

  std::vector<store::AttemptRow> rows(std::optional<std::int64_t> job = std::nullopt) {
    store::AttemptFilter filter;
    filter.job_id = job;
    auto found = queue_->attempts(filter);
    EXPECT_TRUE(found.ok()) << found.error().message;
    return found.ok() ? *found : std::vector<store::AttemptRow>{};
  }

  oneall::testing::TempDir dir_;
  SystemClock clock_;
  std::unique_ptr<store::SqliteQueue> queue_;
  RunOptions options_;
  std::atomic<bool> stop_{false};
};

}  // namespace oneall::engine::testing
