// Runs and leases: a run's row, lease renewal, and taking back the jobs of a run whose process
// died (with the interrupted attempt kept in the audit log).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/queue.hpp"
#include "store/store_test_helpers.hpp"
#include "support/test_lease.hpp"

namespace oneall::store {
namespace {

using namespace oneall::store::testing;

TEST_P(QueueBackendTest, ARunIsRecordedFromBeginToEnd) {
  const EpochMs started = clock_.now_ms();
  auto run = queue_->begin_run(R"({"concurrency":4})", oneall::testing::kTestLeaseMs);
  ASSERT_TRUE(run.ok()) << run.error().message;
  const std::string select =
      "SELECT started_at, ended_at, pid, options_json, summary_json, exit_code FROM runs "
      "WHERE id = " +
      std::to_string(*run);
  auto row = sql_row(select);
  ASSERT_EQ(row.size(), 6u);
  EXPECT_EQ(row[0], std::to_string(started));
  EXPECT_EQ(row[1], std::nullopt);
  EXPECT_EQ(row[2], std::to_string(getpid()));
  EXPECT_EQ(row[3], R"({"concurrency":4})");
  EXPECT_EQ(row[4], std::nullopt);
  EXPECT_EQ(row[5], std::nullopt);

  clock_.advance_ms(1234);
  ASSERT_TRUE(queue_->end_run(*run, 1, R"({"failed":2})").ok());
  row = sql_row(select);
  ASSERT_EQ(row.size(), 6u);
  EXPECT_EQ(row[1], std::to_string(started + 1234));
  EXPECT_EQ(row[4], R"({"failed":2})");
  EXPECT_EQ(row[5], "1");
}

TEST_P(QueueBackendTest, ExpiredLeasesAreReclaimedWithAnInterruptedAttempt) {
  const api::Action update = pin_update("7", "https://a.example/");
  import_all(*queue_, {update, tweet_delete("2")});
  const std::int64_t crashed_run = start_run();
  clock_.advance_ms(5);
  const EpochMs claimed_at = clock_.now_ms();
  ASSERT_EQ(claim_ids(crashed_run, 2).size(), 2u);  // then the process "dies"

  // A new run before the leases expire takes nothing over.
  clock_.advance_ms(kLeaseMs - 1);
  start_run();
  EXPECT_EQ(count(JobState::kRunning), 2);
  EXPECT_TRUE(queue_->attempts({})->empty());

  clock_.advance_ms(2);
  const std::int64_t next_run = start_run();
  EXPECT_EQ(count(JobState::kRunning), 0);
  EXPECT_EQ(count(JobState::kPending), 2);
  auto rows = queue_->attempts({});
  ASSERT_EQ(rows->size(), 2u);
  const AttemptRow& row = rows->at(0);
  const api::HttpRequest request = *api::render(update);
  EXPECT_EQ(row.job_id, 1);
  EXPECT_EQ(row.run_id, crashed_run);
  EXPECT_EQ(row.attempt, 1);
  EXPECT_EQ(row.outcome, "interrupted");
  EXPECT_EQ(row.note, "lease expired");
  EXPECT_EQ(row.started_at, claimed_at);
  EXPECT_EQ(row.ended_at, clock_.now_ms());
  EXPECT_EQ(row.method, "PUT");
  EXPECT_EQ(row.path, request.path);
  EXPECT_EQ(row.request_body, request.body);
  EXPECT_EQ(row.http_status, 0);
  EXPECT_EQ(sql_text("SELECT last_outcome FROM jobs WHERE id = 1"), "interrupted");

  // The interrupted attempt counts: the next one is attempt 2.
  auto claimed = queue_->claim(next_run, 1, kLeaseMs);
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ(claimed->front().attempt, 2);
}

TEST_P(QueueBackendTest, RenewedLeasesAreNotReclaimed) {
  import_all(*queue_, {tweet_delete("1"), tweet_delete("2")});
  const std::int64_t run = start_run();
  const std::int64_t other_run = start_run();
  claim_ids(run, 1);
  claim_ids(other_run, 1);
  clock_.advance_ms(50'000);
  ASSERT_TRUE(queue_->renew_leases(run, kLeaseMs).ok());  // only run's job
  clock_.advance_ms(50'000);
  start_run();
  EXPECT_EQ(job_state(1), "running");
  EXPECT_EQ(job_state(2), "pending");
}

TEST_P(QueueBackendTest, ALateAnswerFromARunThatLostItsLeaseIsRefused) {
  import_all(*queue_, {tweet_delete("1")});
  const std::int64_t slow_run = start_run();
  claim_ids(slow_run, 1);
  clock_.advance_ms(kLeaseMs + 1);  // slow_run stalled without renewing
  const std::int64_t new_run = start_run();
  ASSERT_EQ(claim_ids(new_run, 1).size(), 1u);

  auto late =
      queue_->finish(attempt_of(slow_run, 1, 200, "succeeded"), {JobState::kSucceeded, 0, ""});
  ASSERT_FALSE(late.ok());
  EXPECT_NE(late.error().message.find("no longer held by run"), std::string::npos)
      << late.error().message;
  EXPECT_EQ(job_state(1), "running");
  EXPECT_EQ(sql_int("SELECT run_id FROM in_flight WHERE job_id = 1"), new_run);
  finish(new_run, 1, JobState::kSucceeded);
  EXPECT_EQ(job_state(1), "succeeded");
}

// A real crash: a child process claims jobs and dies without closing anything (no destructor
// runs, no COMMIT is pending). Everything it committed is there, and the next run takes the
// jobs back.
TEST_P(QueueBackendTest, JobsOfAProcessThatDiedComeBack) {
  queue_.reset();
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto queue = open_again();
    if (!queue.ok()) _exit(10);
    auto session = (*queue)->begin_import("crash.yaml");
    if (!session.ok()) _exit(11);
    for (const char* id : {"1", "2", "3"}) {
      if (!(*session)->add(tweet_delete(id), *api::render(tweet_delete(id)), "f:1").ok()) {
        _exit(12);
      }
    }
    if (!(*session)->commit().ok()) _exit(13);
    auto run = (*queue)->begin_run("{}", oneall::testing::kTestLeaseMs);
    if (!run.ok()) _exit(14);
    auto claimed = (*queue)->claim(*run, 2, kLeaseMs);
    if (!claimed.ok() || claimed->size() != 2) _exit(15);
    _exit(0);  // dies holding two leases
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);

  auto reopened = open_again();
  ASSERT_TRUE(reopened.ok()) << reopened.error().message;
  queue_ = std::move(*reopened);
  EXPECT_EQ(count(JobState::kRunning), 2);
  EXPECT_EQ(count(JobState::kPending), 1);
  clock_.advance_ms(kLeaseMs + 1);
  const std::int64_t run = start_run();
  EXPECT_EQ(count(JobState::kRunning), 0);
  EXPECT_EQ(queue_->attempts({})->size(), 2u);
  EXPECT_EQ(claim_ids(run, 10), (std::vector<std::int64_t>{1, 2, 3}));
}

}  // namespace
}  // namespace oneall::store
