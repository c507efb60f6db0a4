// Builders shared by the store tests: actions for a handful of objects, an importer, and a
// fixture holding a real queue file in a temporary directory with a manual clock.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/action.hpp"
#include "store/sqlite_queue.hpp"
#include "support/temp_dir.hpp"
#include "util/clock.hpp"

namespace oneall::store::testing {

inline constexpr const char* kIdentity = "2af20011-8965-471b-8f6b-8b66a611aae6";
inline constexpr std::int64_t kLeaseMs = 60'000;

inline api::Action tweet_delete(const std::string& id) {
  api::Action action;
  action.op = api::Op::kDelete;
  action.target = api::Target::kTwitterTweet;
  action.identity = kIdentity;
  action.object_id = id;
  return action;
}

inline api::Action pin_update(const std::string& id, const std::string& link) {
  api::Action action;
  action.op = api::Op::kUpdate;
  action.target = api::Target::kPinterestPin;
  action.identity = kIdentity;
  action.object_id = id;
  action.fields.link = link;
  return action;
}

inline api::Action pin_delete(const std::string& id) {
  api::Action action = tweet_delete(id);
  action.target = api::Target::kPinterestPin;
  return action;
}

inline api::Action page_post_delete(const std::string& page_id, const std::string& id) {
  api::Action action = tweet_delete(id);
  action.target = api::Target::kFacebookPagePost;
  action.page_id = page_id;
  return action;
}

// Adds `actions` with sources "test.yaml:1", "test.yaml:2", ... and commits.
inline ImportSummary import_all(Queue& queue, const std::vector<api::Action>& actions,
                                const std::string& description = "test") {
  auto session = queue.begin_import(description);
  EXPECT_TRUE(session.ok()) << session.error().message;
  if (!session.ok()) return {};
  int line = 1;
  for (const auto& action : actions) {
    auto request = api::render(action);
    EXPECT_TRUE(request.ok()) << request.error().message;
    if (!request.ok()) return {};
    auto added = (*session)->add(action, *request, "test.yaml:" + std::to_string(line++));
    EXPECT_TRUE(added.ok()) << added.error().message;
  }
  auto summary = (*session)->commit();
  EXPECT_TRUE(summary.ok()) << summary.error().message;
  return summary.ok() ? *summary : ImportSummary{};
}

// One integer out of the queue's own connection, for checking what is stored.
inline std::int64_t query_int(SqliteQueue& queue, const std::string& sql) {
  Statement select(queue.database(), sql);
  EXPECT_TRUE(select.step()) << sql;
  return select.column_int(0);
}

inline std::string query_text(SqliteQueue& queue, const std::string& sql) {
  Statement select(queue.database(), sql);
  EXPECT_TRUE(select.step()) << sql;
  return select.column_text(0);
}

class QueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = SqliteQueue::open(db_path(), clock_);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    queue_ = std::move(*opened);
  }

  std::string db_path() const { return dir_.file("queue.db"); }

  std::int64_t start_run() {
    auto run = queue_->begin_run("{}");
    EXPECT_TRUE(run.ok()) << run.error().message;
    return run.ok() ? *run : 0;
  }

  std::vector<std::int64_t> claim_ids(std::int64_t run_id, std::size_t limit,
                                      std::optional<std::int64_t> batch = std::nullopt) {
    auto claimed = queue_->claim(run_id, limit, kLeaseMs, batch);
    EXPECT_TRUE(claimed.ok()) << claimed.error().message;
    std::vector<std::int64_t> ids;
    if (!claimed.ok()) return ids;
    for (const auto& job : *claimed) ids.push_back(job.job_id);
    return ids;
  }

  static AttemptRecord attempt_of(std::int64_t run_id, std::int64_t job_id, int http_status,
                                  const std::string& outcome) {
    AttemptRecord attempt;
    attempt.run_id = run_id;
    attempt.job_id = job_id;
    attempt.attempt = 1;
    attempt.method = "DELETE";
    attempt.path = "/p";
    attempt.http_status = http_status;
    attempt.outcome = outcome;
    return attempt;
  }

  // Records an attempt of a claimed job that leaves it in `state`.
  void finish(std::int64_t run_id, std::int64_t job_id, JobState state, int http_status = 200,
              EpochMs next_attempt_at = 0) {
    AttemptRecord attempt =
        attempt_of(run_id, job_id, http_status,
                   state == JobState::kPending ? "retry" : std::string(state_name(state)));
    attempt.started_at = clock_.now_ms();
    attempt.ended_at = clock_.now_ms();
    auto done = queue_->finish(attempt, {state, next_attempt_at, ""});
    ASSERT_TRUE(done.ok()) << done.error().message;
  }

  std::int64_t count(JobState state) {
    auto status = queue_->status();
    EXPECT_TRUE(status.ok()) << status.error().message;
    return status.ok() ? status->by_state[state] : -1;
  }

  // As users see it: a job in flight keeps 'pending' in its row (schema 6) and is running.
  std::string job_state(std::int64_t job_id) {
    return query_text(*queue_,
                      "SELECT CASE WHEN EXISTS (SELECT 1 FROM in_flight WHERE job_id = jobs.id) "
                      "THEN 'running' ELSE state END FROM jobs WHERE id = " +
                          std::to_string(job_id));
  }

  oneall::testing::TempDir dir_;
  ManualClock clock_;
  std::unique_ptr<SqliteQueue> queue_;
};

}  // namespace oneall::store::testing
