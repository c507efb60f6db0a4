// Queue::for_each_job, retry_jobs and cancel_jobs: what `report`, `retry` and `cancel` see and
// change, on a real queue file.
#include <gtest/gtest.h>

#include "store/store_test_helpers.hpp"

namespace oneall::store {
namespace {

using testing::import_all;
using testing::pin_update;
using testing::tweet_delete;

class QueueJobsTest : public testing::QueueBackendTest {
 protected:
  std::vector<JobReportRow> rows(const JobFilter& filter = {}) {
    std::vector<JobReportRow> out;
    Status read = queue_->for_each_job(filter, [&](const JobReportRow& r) { out.push_back(r); });
    EXPECT_TRUE(read.ok()) << read.error().message;
    return out;
  }
};

TEST_P(QueueJobsTest, ReportRowsCarryWhereAJobCameFromAndItsLastAnswer) {
  import_all(*queue_, {tweet_delete("1"), tweet_delete("2")});
  const std::int64_t run = start_run();
  ASSERT_EQ(claim_ids(run, 1), std::vector<std::int64_t>{1});
  finish(run, 1, JobState::kFailed, 404);

  const auto all = rows();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].job_id, 1);
  EXPECT_EQ(all[0].batch_id, 1);
  EXPECT_EQ(all[0].source, "test.yaml:1");
  EXPECT_EQ(all[0].op, "delete");
  EXPECT_EQ(all[0].target, "twitter.tweet");
  EXPECT_EQ(all[0].object_id, "1");
  EXPECT_EQ(all[0].state, JobState::kFailed);
  EXPECT_EQ(all[0].attempts, 1);
  EXPECT_EQ(all[0].last_http_status, 404);
  EXPECT_EQ(all[0].last_outcome, "failed");
  EXPECT_EQ(all[1].state, JobState::kPending);
  EXPECT_FALSE(all[1].last_http_status);
  EXPECT_EQ(all[1].last_outcome, "");

  JobFilter failed;
  failed.state = JobState::kFailed;
  ASSERT_EQ(rows(failed).size(), 1u);
  JobFilter other_batch;
  other_batch.batch_id = 2;
  EXPECT_TRUE(rows(other_batch).empty());
}

TEST_P(QueueJobsTest, RetryMovesFailedAndDeadJobsOnlyAndGivesThemFreshAttempts) {
  import_all(*queue_, {tweet_delete("1"), tweet_delete("2"), tweet_delete("3")});
  const std::int64_t run = start_run();
  ASSERT_EQ(claim_ids(run, 3).size(), 3u);
  finish(run, 1, JobState::kFailed, 404);
  finish(run, 2, JobState::kDead, 503);
  finish(run, 3, JobState::kSucceeded);

  JobFilter only_dead;
  only_dead.state = JobState::kDead;
  auto moved = queue_->retry_jobs(only_dead);
  ASSERT_TRUE(moved.ok()) << moved.error().message;
  EXPECT_EQ(*moved, 1);
  EXPECT_EQ(job_state(2), "pending");
  EXPECT_EQ(job_state(1), "failed");

  moved = queue_->retry_jobs({});
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(*moved, 1);  // job 1; job 3 succeeded and stays
  EXPECT_EQ(job_state(1), "pending");
  EXPECT_EQ(job_state(3), "succeeded");

  // The next claim numbers the attempt on (the audit keeps its numbers) and says where this
  // round of attempts began.
  const std::int64_t next = start_run();
  auto claimed = queue_->claim(next, 1, testing::kLeaseMs);
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ((*claimed)[0].attempt, 2);
  EXPECT_EQ((*claimed)[0].attempt_base, 1);
}

// A claimed job keeps 'pending' in its row (schema 6) and is running while it is in flight:
// `report`, its state filter and the dry run's list of pending jobs all say so.
TEST_P(QueueJobsTest, AJobInFlightIsRunningInReportsAndFiltersAndNotPending) {
  import_all(*queue_, {tweet_delete("1"), tweet_delete("2")});
  const std::int64_t run = start_run();
  ASSERT_EQ(claim_ids(run, 1), std::vector<std::int64_t>{1});

  const auto all = rows();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].state, JobState::kRunning);
  EXPECT_EQ(all[0].attempts, 0);  // its attempt counts once it ends
  EXPECT_EQ(all[1].state, JobState::kPending);

  JobFilter running;
  running.state = JobState::kRunning;
  const auto held = rows(running);
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(held[0].job_id, 1);
  JobFilter pending;
  pending.state = JobState::kPending;
  const auto waiting = rows(pending);
  ASSERT_EQ(waiting.size(), 1u);
  EXPECT_EQ(waiting[0].job_id, 2);

  std::vector<std::int64_t> listed;
  ASSERT_TRUE(queue_
                  ->for_each_pending(std::nullopt,
                                     [&](const PendingRequest& r) { listed.push_back(r.job_id); })
                  .ok());
  EXPECT_EQ(listed, std::vector<std::int64_t>{2});

  finish(run, 1, JobState::kSucceeded);
  EXPECT_EQ(rows()[0].state, JobState::kSucceeded);
  EXPECT_EQ(rows()[0].attempts, 1);
}

// Pin 7 has three jobs (1, 2, 4: object-mates, one at a time in file order), tweet 2 one (3).
// Cancelling batch 1 takes its pending job 2 and leaves jobs 1 and 3, which a run holds; job 4
// (batch 2) then waits only for job 1, not for the cancelled job 2 before it.
TEST_P(QueueJobsTest, CancelTakesPendingJobsOnlyAndFreesTheirObjectMates) {
  import_all(*queue_, {pin_update("7", "https://a.example/"), pin_update("7", "https://b.example/"),
                       tweet_delete("2")});
  import_all(*queue_, {pin_update("7", "https://c.example/")}, "second");
  const std::int64_t run = start_run();
  ASSERT_EQ(claim_ids(run, 10), (std::vector<std::int64_t>{1, 3}));  // 2 and 4 wait for 1

  JobFilter first_batch;
  first_batch.batch_id = 1;
  auto cancelled = queue_->cancel_jobs(first_batch);
  ASSERT_TRUE(cancelled.ok()) << cancelled.error().message;
  EXPECT_EQ(*cancelled, 1);
  EXPECT_EQ(job_state(1), "running");  // a run holds it: left alone
  EXPECT_EQ(job_state(2), "cancelled");
  EXPECT_EQ(job_state(3), "running");
  EXPECT_EQ(job_state(4), "pending") << "in another batch";
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM attempts"), 0);  // nothing was sent

  EXPECT_TRUE(claim_ids(run, 10).empty()) << "job 4 still waits for job 1, job 2 is cancelled";
  finish(run, 1, JobState::kSucceeded);
  finish(run, 3, JobState::kSucceeded);
  EXPECT_EQ(claim_ids(run, 10), std::vector<std::int64_t>{4})
      << "the cancelled job 2 holds nothing";
  EXPECT_EQ(job_state(2), "cancelled");

  JobFilter one;
  one.job_id = 4;
  cancelled = queue_->cancel_jobs(one);
  ASSERT_TRUE(cancelled.ok());
  EXPECT_EQ(*cancelled, 0);  // running now
}

// A cancel is undone only by name: `retry --state cancelled`. A plain retry leaves cancelled
// jobs alone, and the ones brought back get a fresh set of attempts like any retried job.
TEST_P(QueueJobsTest, RetryBringsCancelledJobsBackOnlyWhenAskedByState) {
  import_all(*queue_, {tweet_delete("1"), tweet_delete("2"), tweet_delete("3")});
  const std::int64_t run = start_run();
  ASSERT_EQ(claim_ids(run, 1), std::vector<std::int64_t>{1});
  finish(run, 1, JobState::kFailed, 404);
  JobFilter job_two;
  job_two.job_id = 2;
  ASSERT_EQ(*queue_->cancel_jobs(job_two), 1);

  JobFilter dead;
  dead.state = JobState::kDead;
  EXPECT_EQ(*queue_->retry_jobs(dead), 0);
  EXPECT_EQ(job_state(2), "cancelled");

  JobFilter cancelled;
  cancelled.state = JobState::kCancelled;
  auto moved = queue_->retry_jobs(cancelled);
  ASSERT_TRUE(moved.ok()) << moved.error().message;
  EXPECT_EQ(*moved, 1);
  EXPECT_EQ(job_state(2), "pending");
  EXPECT_EQ(job_state(1), "failed") << "a state filter takes that state only";
  EXPECT_EQ(sql_text("SELECT note FROM jobs WHERE id = 2"), "retried");

  ASSERT_EQ(*queue_->cancel_jobs(job_two), 1);
  EXPECT_EQ(*queue_->retry_jobs({}), 1);  // job 1; job 2 stays cancelled
  EXPECT_EQ(job_state(2), "cancelled");
  EXPECT_EQ(job_state(3), "pending");
}

TEST_P(QueueJobsTest, HasBatchAndHasJobSayWhetherTheIdIsInTheQueue) {
  import_all(*queue_, {tweet_delete("1"), tweet_delete("2")});
  import_all(*queue_, {tweet_delete("1")});  // nothing new: no batch 2
  EXPECT_TRUE(*queue_->has_batch(1));
  EXPECT_FALSE(*queue_->has_batch(2));
  EXPECT_FALSE(*queue_->has_batch(0));
  EXPECT_TRUE(*queue_->has_job(2));
  EXPECT_FALSE(*queue_->has_job(3));
  EXPECT_FALSE(*queue_->has_job(-1));
}

INSTANTIATE_TEST_SUITE_P(Backends, QueueJobsTest,
                         ::testing::Values(testing::Backend::kSqlite, testing::Backend::kPostgres),
                         testing::backend_name);

}  // namespace
}  // namespace oneall::store
