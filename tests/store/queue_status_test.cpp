// The read side: counts per state and per batch, the last run, and the attempt log.
#include <gtest/gtest.h>

#include "store/queue.hpp"
#include "store/store_test_helpers.hpp"

namespace oneall::store {
namespace {

using namespace oneall::store::testing;

TEST_P(QueueBackendTest, AnEmptyQueueReportsEveryStateAtZero) {
  auto status = queue_->status();
  ASSERT_TRUE(status.ok()) << status.error().message;
  ASSERT_EQ(status->by_state.size(), kAllJobStates.size());
  for (JobState state : kAllJobStates) EXPECT_EQ(status->by_state.at(state), 0);
  EXPECT_TRUE(status->batches.empty());
  EXPECT_FALSE(status->last_run.has_value());
}

TEST_P(QueueBackendTest, StatusCountsPerStateAndPerBatch) {
  const EpochMs first_at = clock_.now_ms();
  const auto first = import_all(*queue_, {tweet_delete("1"), tweet_delete("2")}, "first.yaml");
  clock_.advance_ms(1000);
  const auto second = import_all(*queue_, {tweet_delete("3"), tweet_delete("4")}, "second.csv");
  const std::int64_t run = start_run();
  ASSERT_EQ(claim_ids(run, 3).size(), 3u);
  finish(run, 1, JobState::kSucceeded);
  finish(run, 2, JobState::kDead, 503);
  exec("UPDATE jobs SET state = 'cancelled' WHERE id = 4");

  auto status = queue_->status();
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(status->by_state.at(JobState::kPending), 0);
  EXPECT_EQ(status->by_state.at(JobState::kRunning), 1);
  EXPECT_EQ(status->by_state.at(JobState::kSucceeded), 1);
  EXPECT_EQ(status->by_state.at(JobState::kFailed), 0);
  EXPECT_EQ(status->by_state.at(JobState::kDead), 1);
  EXPECT_EQ(status->by_state.at(JobState::kCancelled), 1);

  ASSERT_EQ(status->batches.size(), 2u);
  const BatchCounts& a = status->batches[0];
  EXPECT_EQ(a.batch_id, first.batch_id);
  EXPECT_EQ(a.description, "first.yaml");
  EXPECT_EQ(a.created_at, first_at);
  EXPECT_EQ(a.by_state.size(), kAllJobStates.size());
  EXPECT_EQ(a.by_state.at(JobState::kSucceeded), 1);
  EXPECT_EQ(a.by_state.at(JobState::kDead), 1);
  EXPECT_EQ(a.by_state.at(JobState::kRunning), 0);
  const BatchCounts& b = status->batches[1];
  EXPECT_EQ(b.batch_id, second.batch_id);
  EXPECT_EQ(b.description, "second.csv");
  EXPECT_EQ(b.created_at, first_at + 1000);
  EXPECT_EQ(b.by_state.at(JobState::kRunning), 1);
  EXPECT_EQ(b.by_state.at(JobState::kCancelled), 1);
  EXPECT_EQ(b.by_state.at(JobState::kPending), 0);
}

TEST_P(QueueBackendTest, LastRunIsReportedWithItsAttempts) {
  import_all(*queue_, {tweet_delete("1"), tweet_delete("2")});
  const std::int64_t earlier = start_run();
  claim_ids(earlier, 1);
  finish(earlier, 1, JobState::kSucceeded);
  ASSERT_TRUE(queue_->end_run(earlier, 0, "{}").ok());

  const std::int64_t run = start_run();
  auto last = queue_->status()->last_run;
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->run_id, run);
  EXPECT_FALSE(last->ended_at.has_value());  // still going
  EXPECT_FALSE(last->exit_code.has_value());
  EXPECT_EQ(last->attempts, 0);

  claim_ids(run, 1);
  finish(run, 2, JobState::kFailed, 400);
  clock_.advance_ms(500);
  ASSERT_TRUE(queue_->end_run(run, 1, "{}").ok());
  last = queue_->status()->last_run;
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->run_id, run);
  EXPECT_EQ(last->exit_code, 1);
  EXPECT_EQ(last->attempts, 1);
  EXPECT_EQ(last->started_at + 500, last->ended_at);
}

// The gauges of `status --format prometheus`: the run that ended last (not the one started
// last, which may still go), and when a run last ended with exit 0.
TEST_P(QueueBackendTest, StatusTellsTheRunThatEndedLastAndTheLastSuccess) {
  auto status = queue_->status();
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_FALSE(status->last_ended_run.has_value());
  EXPECT_FALSE(status->last_success_at.has_value());

  import_all(*queue_, {tweet_delete("1"), tweet_delete("2")});
  const std::int64_t succeeded = start_run();
  clock_.advance_ms(1000);
  const EpochMs succeeded_at = clock_.now_ms();
  ASSERT_TRUE(queue_->end_run(succeeded, 0, "{}").ok());
  const std::int64_t still_going = start_run();
  const std::int64_t failed = start_run();
  claim_ids(failed, 1);
  finish(failed, 1, JobState::kFailed, 400);
  clock_.advance_ms(1000);
  const EpochMs failed_at = clock_.now_ms();
  ASSERT_TRUE(queue_->end_run(failed, 1, "{}").ok());

  status = queue_->status();
  ASSERT_TRUE(status.ok()) << status.error().message;
  ASSERT_TRUE(status->last_run.has_value());
  EXPECT_EQ(status->last_run->run_id, failed);
  ASSERT_TRUE(status->last_ended_run.has_value());
  EXPECT_EQ(status->last_ended_run->run_id, failed);
  EXPECT_EQ(status->last_ended_run->ended_at, failed_at);
  EXPECT_EQ(status->last_ended_run->exit_code, 1);
  EXPECT_EQ(status->last_ended_run->attempts, 1);
  EXPECT_EQ(status->last_success_at, succeeded_at);

  // The run started before the failed one ends after it: it is the one that ended last.
  clock_.advance_ms(1000);
  ASSERT_TRUE(queue_->end_run(still_going, 4, "{}").ok());
  status = queue_->status();
  ASSERT_TRUE(status.ok()) << status.error().message;
  ASSERT_TRUE(status->last_ended_run.has_value());
  EXPECT_EQ(status->last_ended_run->run_id, still_going);
  EXPECT_EQ(status->last_ended_run->exit_code, 4);
  EXPECT_EQ(status->last_success_at, succeeded_at);
}

// How long the longest-waiting due job has waited: from its import, its retry's due time, or a
// `retry`; jobs in flight, not yet due, or finished do not count.
TEST_P(QueueBackendTest, StatusTellsSinceWhenTheOldestDueJobWaits) {
  EXPECT_FALSE(queue_->status()->oldest_due_since.has_value());
  const EpochMs imported_at = clock_.now_ms();
  import_all(*queue_, {tweet_delete("1"), tweet_delete("2"), tweet_delete("3")});
  clock_.advance_ms(5000);
  EXPECT_EQ(queue_->status()->oldest_due_since, imported_at);

  const std::int64_t run = start_run();
  ASSERT_EQ(claim_ids(run, 3).size(), 3u);
  EXPECT_FALSE(queue_->status()->oldest_due_since.has_value());  // all in flight

  // Job 1 succeeds; job 2 is to be retried in 10 s; job 3 stays in flight.
  finish(run, 1, JobState::kSucceeded);
  const EpochMs retry_at = clock_.now_ms() + 10'000;
  finish(run, 2, JobState::kPending, 503, retry_at);
  EXPECT_FALSE(queue_->status()->oldest_due_since.has_value());  // not due yet
  clock_.advance_ms(15'000);
  EXPECT_EQ(queue_->status()->oldest_due_since, retry_at);

  // A failed job moved back by `retry` is due from then on.
  finish(run, 3, JobState::kFailed, 400);
  clock_.advance_ms(1000);
  const EpochMs retried_at = clock_.now_ms();
  JobFilter failed;
  failed.states = {JobState::kFailed};
  ASSERT_EQ(*queue_->retry_jobs(failed), 1);
  clock_.advance_ms(1000);
  EXPECT_EQ(queue_->status()->oldest_due_since, retry_at);
  ASSERT_EQ(claim_ids(run, 1), std::vector<std::int64_t>{2});
  EXPECT_EQ(queue_->status()->oldest_due_since, retried_at);
}

TEST_P(QueueBackendTest, AttemptsAreListedInOrderAndFilteredByJobAndRun) {
  import_all(*queue_, {tweet_delete("1"), tweet_delete("2")});
  const std::int64_t run_a = start_run();
  claim_ids(run_a, 2);
  finish(run_a, 1, JobState::kPending, 503, clock_.now_ms());
  finish(run_a, 2, JobState::kSucceeded);
  const std::int64_t run_b = start_run();
  claim_ids(run_b, 1);
  finish(run_b, 1, JobState::kSucceeded);

  auto ids = [](const std::vector<AttemptRow>& rows) {
    std::vector<std::pair<std::int64_t, std::int64_t>> out;  // (job, run)
    for (const auto& row : rows) out.emplace_back(row.job_id, row.run_id);
    return out;
  };
  using Pairs = std::vector<std::pair<std::int64_t, std::int64_t>>;
  EXPECT_EQ(ids(*queue_->attempts({})), (Pairs{{1, run_a}, {2, run_a}, {1, run_b}}));
  EXPECT_EQ(ids(*queue_->attempts({.job_id = 1, .run_id = std::nullopt})),
            (Pairs{{1, run_a}, {1, run_b}}));
  EXPECT_EQ(ids(*queue_->attempts({.job_id = std::nullopt, .run_id = run_a})),
            (Pairs{{1, run_a}, {2, run_a}}));
  EXPECT_EQ(ids(*queue_->attempts({.job_id = 1, .run_id = run_b})), (Pairs{{1, run_b}}));
  EXPECT_TRUE(queue_->attempts({.job_id = 3, .run_id = std::nullopt})->empty());
}

}  // namespace
}  // namespace oneall::store
