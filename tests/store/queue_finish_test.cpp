// Finishing an attempt (audit row and job state in one transaction), releasing a claim, and
// when the next pending job is due.
#include <gtest/gtest.h>

#include <vector>

#include "store/queue.hpp"
#include "store/store_test_helpers.hpp"

namespace oneall::store {
namespace {

using namespace oneall::store::testing;

TEST_P(QueueBackendTest, FinishWritesTheAttemptRowAndMovesTheJob) {
  import_all(*queue_, {tweet_delete("1")});
  const std::int64_t run = start_run();
  claim_ids(run, 1);
  AttemptRecord attempt;
  attempt.run_id = run;
  attempt.job_id = 1;
  attempt.attempt = 1;
  attempt.started_at = 100;
  attempt.ended_at = 250;
  attempt.method = "DELETE";
  attempt.path = "/update/x.json";
  attempt.request_body = "";
  attempt.http_status = 404;
  attempt.retry_after = "";
  attempt.api_flag = "error";
  attempt.api_code = 404;
  attempt.api_info = "Unknown object";
  attempt.response_body = "{\"response\":{}}";
  attempt.response_truncated = true;
  attempt.outcome = "failed";
  attempt.note = "http_404";
  ASSERT_TRUE(queue_->finish(attempt, {JobState::kFailed, 0, "http_404"}).ok());

  EXPECT_EQ(count(JobState::kFailed), 1);
  auto rows = queue_->attempts({});
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ASSERT_EQ(rows->size(), 1u);
  const AttemptRow& row = rows->front();
  EXPECT_EQ(row.id, 1);
  EXPECT_EQ(row.run_id, run);
  EXPECT_EQ(row.job_id, 1);
  EXPECT_EQ(row.attempt, 1);
  EXPECT_EQ(row.started_at, 100);
  EXPECT_EQ(row.ended_at, 250);
  EXPECT_EQ(row.method, "DELETE");
  EXPECT_EQ(row.path, "/update/x.json");
  EXPECT_EQ(row.http_status, 404);
  EXPECT_EQ(row.curl_error, "");
  EXPECT_EQ(row.api_flag, "error");
  EXPECT_EQ(row.api_code, 404);
  EXPECT_EQ(row.api_info, "Unknown object");
  EXPECT_EQ(row.response_body, "{\"response\":{}}");
  EXPECT_TRUE(row.response_truncated);
  EXPECT_EQ(row.outcome, "failed");
  EXPECT_EQ(row.note, "http_404");

  auto job = sql_row(
      "SELECT state, note, last_http_status, last_outcome, "
      "(SELECT COUNT(*) FROM in_flight WHERE job_id = 1) FROM jobs WHERE id = 1");
  ASSERT_EQ(job.size(), 5u);
  EXPECT_EQ(job[0], "failed");
  EXPECT_EQ(job[1], "http_404");
  EXPECT_EQ(job[2], "404");
  EXPECT_EQ(job[3], "failed");
  EXPECT_EQ(job[4], "0");
}

TEST_P(QueueBackendTest, AttemptsAreReadByJobByRunOrBothInLogOrder) {
  import_all(*queue_, {tweet_delete("1"), tweet_delete("2")});
  const std::int64_t first = start_run();
  ASSERT_EQ(claim_ids(first, 2).size(), 2u);
  finish(first, 1, JobState::kPending, 503);
  finish(first, 2, JobState::kSucceeded);
  const std::int64_t second = start_run();
  ASSERT_EQ(claim_ids(second, 2).size(), 1u);
  finish(second, 1, JobState::kSucceeded);

  const auto ids = [&](AttemptFilter filter) {
    std::vector<std::int64_t> found;
    auto rows = queue_->attempts(filter);
    EXPECT_TRUE(rows.ok()) << rows.error().message;
    if (rows.ok()) {
      for (const AttemptRow& row : *rows) found.push_back(row.id);
    }
    return found;
  };
  using Ids = std::vector<std::int64_t>;
  EXPECT_EQ(ids({}), (Ids{1, 2, 3}));
  EXPECT_EQ(ids({.job_id = 1, .run_id = std::nullopt}), (Ids{1, 3}));
  EXPECT_EQ(ids({.job_id = std::nullopt, .run_id = first}), (Ids{1, 2}));
  EXPECT_EQ(ids({.job_id = 1, .run_id = second}), (Ids{3}));
  EXPECT_EQ(ids({.job_id = 2, .run_id = second}), Ids{});
}

TEST_P(QueueBackendTest, ATransportErrorIsStoredWithoutAnHttpStatus) {
  import_all(*queue_, {tweet_delete("1")});
  const std::int64_t run = start_run();
  claim_ids(run, 1);
  AttemptRecord attempt = attempt_of(run, 1, 0, "retry");
  attempt.curl_error = "Couldn't connect to server";
  ASSERT_TRUE(
      queue_->finish(attempt, {JobState::kPending, clock_.now_ms() + 2000, "transport_error"})
          .ok());
  EXPECT_EQ(sql_int("SELECT http_status IS NULL FROM attempts"), 1);
  EXPECT_EQ(sql_int("SELECT last_http_status IS NULL FROM jobs"), 1);
  EXPECT_EQ(queue_->attempts({})->front().http_status, 0);
  EXPECT_EQ(queue_->attempts({})->front().curl_error, "Couldn't connect to server");
  EXPECT_FALSE(queue_->attempts({})->front().api_code.has_value());
  EXPECT_EQ(sql_int("SELECT next_attempt_at FROM jobs"), clock_.now_ms() + 2000);
  EXPECT_EQ(job_state(1), "pending");
}

TEST_P(QueueBackendTest, FinishingAJobThatIsNotRunningWritesNothing) {
  import_all(*queue_, {tweet_delete("1"), tweet_delete("2")});
  const std::int64_t run = start_run();
  claim_ids(run, 1);
  finish(run, 1, JobState::kSucceeded);
  // Finished already, never claimed, unknown: each refused, and no attempt row is left behind.
  for (std::int64_t job_id : {1, 2, 99}) {
    auto again =
        queue_->finish(attempt_of(run, job_id, 200, "succeeded"), {JobState::kSucceeded, 0, ""});
    ASSERT_FALSE(again.ok()) << job_id;
    EXPECT_NE(again.error().message.find("job " + std::to_string(job_id)), std::string::npos)
        << again.error().message;
  }
  EXPECT_EQ(queue_->attempts({})->size(), 1u);
  EXPECT_EQ(job_state(2), "pending");
}

TEST_P(QueueBackendTest, ATurnsCompletionsAreCommittedTogetherOrNotAtAll) {
  import_all(*queue_, {tweet_delete("1"), tweet_delete("2"), tweet_delete("3")});
  const std::int64_t run = start_run();
  claim_ids(run, 2);  // jobs 1 and 2; job 3 stays pending
  const std::vector<Completion> with_a_stranger = {
      {attempt_of(run, 1, 200, "succeeded"), {JobState::kSucceeded, 0, ""}},
      {attempt_of(run, 3, 200, "succeeded"), {JobState::kSucceeded, 0, ""}},
  };
  auto refused = queue_->finish(with_a_stranger);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("job 3"), std::string::npos) << refused.error().message;
  EXPECT_TRUE(queue_->attempts({})->empty());  // job 1's row went with the refusal
  EXPECT_EQ(job_state(1), "running");

  const std::vector<Completion> both = {
      {attempt_of(run, 1, 200, "succeeded"), {JobState::kSucceeded, 0, ""}},
      {attempt_of(run, 2, 503, "retry"), {JobState::kPending, clock_.now_ms() + 1000, "http_503"}},
  };
  ASSERT_TRUE(queue_->finish(both).ok());
  EXPECT_EQ(queue_->attempts({})->size(), 2u);
  EXPECT_EQ(job_state(1), "succeeded");
  EXPECT_EQ(job_state(2), "pending");
}

// The runner's writer commits a turn and claims the jobs for its slots in one transaction: the
// job after a finished one on the same object is claimable in that same transaction.
TEST_P(QueueBackendTest, FinishAndClaimFreesAnObjectForItsNextJobAtOnce) {
  import_all(*queue_, {pin_update("1", "https://a.example/"), pin_delete("1"), tweet_delete("2")});
  const std::int64_t run = start_run();
  ASSERT_EQ(claim_ids(run, 3), (std::vector<std::int64_t>{1, 3}));  // job 2 waits for job 1
  const std::vector<Completion> first = {
      {attempt_of(run, 1, 200, "succeeded"), {JobState::kSucceeded, 0, ""}}};
  auto claimed = queue_->finish_and_claim(first, run, 5, kLeaseMs, std::nullopt);
  ASSERT_TRUE(claimed.ok()) << claimed.error().message;
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ(claimed->front().job_id, 2);
  EXPECT_EQ(claimed->front().attempt, 1);
  EXPECT_EQ(job_state(1), "succeeded");
  EXPECT_EQ(job_state(2), "running");
  EXPECT_EQ(queue_->attempts({})->size(), 1u);
}

TEST_P(QueueBackendTest, FinishAndClaimWritesNeitherWhenTheFinishIsRefused) {
  import_all(*queue_, {tweet_delete("1"), tweet_delete("2"), tweet_delete("3")});
  const std::int64_t run = start_run();
  claim_ids(run, 1);  // job 1
  const std::vector<Completion> a_stranger = {
      {attempt_of(run, 2, 200, "succeeded"), {JobState::kSucceeded, 0, ""}}};
  auto refused = queue_->finish_and_claim(a_stranger, run, 2, kLeaseMs, std::nullopt);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("job 2"), std::string::npos) << refused.error().message;
  EXPECT_EQ(job_state(2), "pending");  // not claimed either
  EXPECT_EQ(job_state(3), "pending");
  EXPECT_TRUE(queue_->attempts({})->empty());
}

TEST_P(QueueBackendTest, AnAttemptCannotLeaveItsJobRunning) {
  import_all(*queue_, {tweet_delete("1")});
  const std::int64_t run = start_run();
  claim_ids(run, 1);
  EXPECT_FALSE(
      queue_->finish(attempt_of(run, 1, 200, "succeeded"), {JobState::kRunning, 0, ""}).ok());
  EXPECT_TRUE(queue_->attempts({})->empty());
}

TEST_P(QueueBackendTest, ReleaseGivesAClaimBackWithoutCountingAnAttempt) {
  import_all(*queue_, {tweet_delete("1")});
  const std::int64_t run = start_run();
  claim_ids(run, 1);
  ASSERT_TRUE(queue_->release(1).ok());
  EXPECT_EQ(job_state(1), "pending");
  EXPECT_EQ(sql_int("SELECT attempts FROM jobs WHERE id = 1"), 0);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM in_flight"), 0);
  if (!on_postgres()) {  // SQLite's jobs keep the columns of schema 5, unused since schema 6
    EXPECT_EQ(sql_int("SELECT lease_until IS NULL AND run_id IS NULL FROM jobs"), 1);
  }
  EXPECT_TRUE(queue_->attempts({})->empty());
  auto claimed = queue_->claim(run, 1, kLeaseMs);
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ(claimed->front().attempt, 1);
}

TEST_P(QueueBackendTest, ReleasingAJobThatIsNotRunningChangesNothing) {
  import_all(*queue_, {tweet_delete("1"), tweet_delete("2")});
  const std::int64_t run = start_run();
  claim_ids(run, 1);
  finish(run, 1, JobState::kSucceeded);
  ASSERT_TRUE(queue_->release(1).ok());
  ASSERT_TRUE(queue_->release(2).ok());
  EXPECT_EQ(job_state(1), "succeeded");
  EXPECT_EQ(sql_int("SELECT attempts FROM jobs WHERE id = 1"), 1);
  EXPECT_EQ(sql_int("SELECT attempts FROM jobs WHERE id = 2"), 0);
}

TEST_P(QueueBackendTest, NextPendingAtIsTheEarliestDuePendingJob) {
  EXPECT_EQ(queue_->next_pending_at().value(), std::nullopt);  // empty queue
  const auto first = import_all(*queue_, {tweet_delete("1"), tweet_delete("2")});
  const auto second = import_all(*queue_, {tweet_delete("3")});
  const std::int64_t run = start_run();
  const EpochMs now = clock_.now_ms();
  EXPECT_EQ(queue_->next_pending_at().value(), 0);  // imported jobs are due at once

  ASSERT_EQ(claim_ids(run, 10).size(), 3u);
  EXPECT_EQ(queue_->next_pending_at().value(), std::nullopt);  // running jobs do not count
  finish(run, 1, JobState::kPending, 503, now + 9000);
  finish(run, 2, JobState::kPending, 503, now + 4000);
  finish(run, 3, JobState::kPending, 503, now + 7000);
  EXPECT_EQ(queue_->next_pending_at().value(), now + 4000);
  EXPECT_EQ(queue_->next_pending_at(first.batch_id).value(), now + 4000);
  EXPECT_EQ(queue_->next_pending_at(second.batch_id).value(), now + 7000);
  EXPECT_EQ(queue_->next_pending_at(99).value(), std::nullopt);

  clock_.advance_ms(4000);
  ASSERT_EQ(claim_ids(run, 10).size(), 1u);
  finish(run, 2, JobState::kDead, 503);
  EXPECT_EQ(queue_->next_pending_at().value(), now + 7000);  // finished jobs do not count
}

}  // namespace
}  // namespace oneall::store
