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
  failed.states = {JobState::kFailed};
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
  only_dead.states = {JobState::kDead};
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
  running.states = {JobState::kRunning};
  const auto held = rows(running);
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(held[0].job_id, 1);
  JobFilter pending;
  pending.states = {JobState::kPending};
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
  dead.states = {JobState::kDead};
  EXPECT_EQ(*queue_->retry_jobs(dead), 0);
  EXPECT_EQ(job_state(2), "cancelled");

  JobFilter cancelled;
  cancelled.states = {JobState::kCancelled};
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

// Six jobs, each ended with another answer (issue 20: retry and cancel by what went wrong):
//   1 tweet   identity A  failed 404        4 pin    identity A  dead 503
//   2 tweet   identity B  dead 500          5 pin    identity B  succeeded 200
//   3 tweet   identity A  failed 401        6 pin    identity A  pending, never sent
class QueueFilterTest : public QueueJobsTest {
 protected:
  static constexpr const char* kOtherIdentity = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

  void SetUp() override {
    QueueJobsTest::SetUp();
    api::Action other_tweet = tweet_delete("2");
    other_tweet.identity = kOtherIdentity;
    api::Action other_pin = testing::pin_delete("5");
    other_pin.identity = kOtherIdentity;
    import_all(*queue_, {tweet_delete("1"), other_tweet, tweet_delete("3"),
                         testing::pin_delete("4"), other_pin, testing::pin_delete("6")});
    const std::int64_t run = start_run();
    ASSERT_EQ(claim_ids(run, 5).size(), 5u);
    finish(run, 1, JobState::kFailed, 404);
    finish(run, 2, JobState::kDead, 500);
    finish(run, 3, JobState::kFailed, 401);
    finish(run, 4, JobState::kDead, 503);
    finish(run, 5, JobState::kSucceeded, 200);
  }

  std::vector<std::int64_t> ids(const JobFilter& filter) {
    std::vector<std::int64_t> out;
    for (const JobReportRow& row : rows(filter)) out.push_back(row.job_id);
    return out;
  }

  std::int64_t counted(const JobFilter& filter) {
    auto counts = queue_->count_jobs(filter);
    EXPECT_TRUE(counts.ok()) << counts.error().message;
    std::int64_t total = 0;
    if (counts.ok()) {
      for (const auto& [state, n] : *counts) total += n;
    }
    return total;
  }
};

TEST_P(QueueFilterTest, EachFilterSelectsByWhatWentWrongAndTheyCombine) {
  using Ids = std::vector<std::int64_t>;
  JobFilter five_xx;
  five_xx.http_status = HttpStatusRange{500, 599};
  EXPECT_EQ(ids(five_xx), (Ids{2, 4}));
  JobFilter not_found;
  not_found.http_status = HttpStatusRange{404, 404};
  EXPECT_EQ(ids(not_found), (Ids{1}));
  JobFilter four_xx;
  four_xx.http_status = HttpStatusRange{400, 499};
  EXPECT_EQ(ids(four_xx), (Ids{1, 3})) << "job 6 has no answer: no status matches it";
  JobFilter pins;
  pins.target = api::Target::kPinterestPin;
  EXPECT_EQ(ids(pins), (Ids{4, 5, 6}));
  JobFilter other;
  other.identity = kOtherIdentity;
  EXPECT_EQ(ids(other), (Ids{2, 5}));
  JobFilter ended_badly;
  ended_badly.states = {JobState::kFailed, JobState::kDead};
  EXPECT_EQ(ids(ended_badly), (Ids{1, 2, 3, 4}));
  JobFilter waiting_or_done;
  waiting_or_done.states = {JobState::kPending, JobState::kSucceeded};
  EXPECT_EQ(ids(waiting_or_done), (Ids{5, 6}));

  JobFilter combined;  // dead pins of identity A answered 5xx, in batch 1
  combined.states = {JobState::kDead};
  combined.http_status = HttpStatusRange{500, 599};
  combined.target = api::Target::kPinterestPin;
  combined.identity = testing::kIdentity;
  combined.batch_id = 1;
  EXPECT_EQ(ids(combined), (Ids{4}));
  combined.identity = kOtherIdentity;
  EXPECT_TRUE(ids(combined).empty());

  // count_jobs selects as for_each_job does, by state.
  EXPECT_EQ(counted(five_xx), 2);
  EXPECT_EQ(counted({}), 6);
  auto by_state = queue_->count_jobs(ended_badly);
  ASSERT_TRUE(by_state.ok()) << by_state.error().message;
  EXPECT_EQ((*by_state)[JobState::kFailed], 2);
  EXPECT_EQ((*by_state)[JobState::kDead], 2);
  EXPECT_EQ((*by_state)[JobState::kSucceeded], 0);
  EXPECT_EQ(by_state->size(), kAllJobStates.size()) << "every state present";
}

// The values are bound, never spliced: text that would change a spliced statement matches no job
// and changes nothing.
TEST_P(QueueFilterTest, FilterValuesAreBoundNotSpliced) {
  JobFilter hostile;
  hostile.identity = "x' OR '1'='1";
  EXPECT_TRUE(ids(hostile).empty());
  EXPECT_EQ(counted(hostile), 0);
  auto moved = queue_->retry_jobs(hostile);
  ASSERT_TRUE(moved.ok()) << moved.error().message;
  EXPECT_EQ(*moved, 0);
  EXPECT_EQ(job_state(1), "failed");
}

TEST_P(QueueFilterTest, RetryByAStatusClassMovesOnlyThoseJobs) {
  JobFilter five_xx;
  five_xx.http_status = HttpStatusRange{500, 599};
  auto moved = queue_->retry_jobs(five_xx);
  ASSERT_TRUE(moved.ok()) << moved.error().message;
  EXPECT_EQ(*moved, 2);
  EXPECT_EQ(job_state(2), "pending");
  EXPECT_EQ(job_state(4), "pending");
  EXPECT_EQ(job_state(1), "failed");
  EXPECT_EQ(job_state(3), "failed");
  EXPECT_EQ(job_state(5), "succeeded") << "a 2xx is not in the class, and succeeded never moves";
  EXPECT_EQ(sql_text("SELECT note FROM jobs WHERE id = 4"), "retried");
}

TEST_P(QueueFilterTest, RetryAndCancelKeepTheirRulesUnderEveryFilter) {
  // A succeeded job answered 200 is selected by --http-status 2xx but never retried.
  JobFilter two_xx;
  two_xx.http_status = HttpStatusRange{200, 299};
  EXPECT_EQ(*queue_->retry_jobs(two_xx), 0);
  EXPECT_EQ(job_state(5), "succeeded");
  // Cancel takes pending jobs only, whatever else matches.
  JobFilter pins;
  pins.target = api::Target::kPinterestPin;
  EXPECT_EQ(*queue_->cancel_jobs(pins), 1);
  EXPECT_EQ(job_state(6), "cancelled");
  EXPECT_EQ(job_state(4), "dead");
  // A state list: cancelled comes back only when it is named, with the others named.
  JobFilter failed_or_cancelled;
  failed_or_cancelled.states = {JobState::kFailed, JobState::kCancelled};
  failed_or_cancelled.identity = testing::kIdentity;
  EXPECT_EQ(*queue_->retry_jobs(failed_or_cancelled), 3);  // 1, 3 failed; 6 cancelled
  EXPECT_EQ(job_state(6), "pending");
  EXPECT_EQ(job_state(1), "pending");
  EXPECT_EQ(job_state(4), "dead") << "dead was not named";
  JobFilter running;  // a state retry does not act on matches nothing
  running.states = {JobState::kRunning};
  EXPECT_EQ(*queue_->retry_jobs(running), 0);
  JobFilter dead;
  dead.states = {JobState::kDead};
  EXPECT_EQ(*queue_->cancel_jobs(dead), 0);
  EXPECT_EQ(job_state(2), "dead");
}

TEST_P(QueueFilterTest, ReportRowsCarryTheRequestAsQueued) {
  JobFilter six;
  six.job_id = 6;
  const auto found = rows(six);
  ASSERT_EQ(found.size(), 1u);
  Result<api::HttpRequest> rendered = api::render(testing::pin_delete("6"));
  ASSERT_TRUE(rendered.ok());
  EXPECT_EQ(found[0].request.method, "DELETE");
  EXPECT_EQ(found[0].request.path, rendered->path);
  EXPECT_EQ(found[0].request.body, "");
}

INSTANTIATE_TEST_SUITE_P(Backends, QueueFilterTest,
                         ::testing::Values(testing::Backend::kSqlite, testing::Backend::kPostgres),
                         testing::backend_name);

INSTANTIATE_TEST_SUITE_P(Backends, QueueJobsTest,
                         ::testing::Values(testing::Backend::kSqlite, testing::Backend::kPostgres),
                         testing::backend_name);

}  // namespace
}  // namespace oneall::store
