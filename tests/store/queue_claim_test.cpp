// Claiming: file order, one job at a time per object, due times, batches, limits, and claims
// from two connections that never overlap.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "store/queue.hpp"
#include "store/store_test_helpers.hpp"
#include "support/test_lease.hpp"

namespace oneall::store {
namespace {

using namespace oneall::store::testing;
using Ids = std::vector<std::int64_t>;

TEST_P(QueueBackendTest, ClaimsInFileOrderUpToTheLimit) {
  import_all(*queue_, {tweet_delete("1"), tweet_delete("2"), tweet_delete("3")});
  const std::int64_t run = start_run();
  EXPECT_TRUE(claim_ids(run, 0).empty());
  EXPECT_EQ(claim_ids(run, 2), (Ids{1, 2}));
  EXPECT_EQ(claim_ids(run, 5), (Ids{3}));
  EXPECT_TRUE(claim_ids(run, 5).empty());
  EXPECT_EQ(count(JobState::kRunning), 3);
}

TEST_P(QueueBackendTest, ClaimMarksTheJobRunningUnderTheRunWithALease) {
  import_all(*queue_, {tweet_delete("1")});
  const std::int64_t run = start_run();
  clock_.advance_ms(10);
  ASSERT_EQ(claim_ids(run, 1).size(), 1u);
  EXPECT_EQ(job_state(1), "running");
  auto held =
      sql_row("SELECT run_id, claimed_at, lease_until, attempt FROM in_flight WHERE job_id = 1");
  ASSERT_EQ(held.size(), 4u);
  EXPECT_EQ(held[0], std::to_string(run));
  EXPECT_EQ(held[1], std::to_string(clock_.now_ms()));
  EXPECT_EQ(held[2], std::to_string(clock_.now_ms() + kLeaseMs));
  EXPECT_EQ(held[3], "1");
  // The job's row is left as it was: its attempt counts once it ends.
  EXPECT_EQ(sql_text("SELECT state || attempts FROM jobs WHERE id = 1"), "pending0");
}

TEST_P(QueueBackendTest, ClaimedJobCarriesTheRenderedRequest) {
  const api::Action action = pin_update("352969689546669253", "https://a.example/");
  const ImportSummary summary = import_all(*queue_, {tweet_delete("0"), action});
  const std::int64_t run = start_run();
  auto claimed = queue_->claim(run, 2, kLeaseMs);
  ASSERT_TRUE(claimed.ok()) << claimed.error().message;
  ASSERT_EQ(claimed->size(), 2u);
  EXPECT_EQ(claimed->at(0).op, api::Op::kDelete);
  const ClaimedJob& job = claimed->at(1);
  const api::HttpRequest expected = *api::render(action);
  EXPECT_EQ(job.job_id, 2);
  EXPECT_EQ(job.batch_id, summary.batch_id);
  EXPECT_EQ(job.method, expected.method);
  EXPECT_EQ(job.path, expected.path);
  EXPECT_EQ(job.body, expected.body);
  EXPECT_EQ(job.op, api::Op::kUpdate);
  EXPECT_EQ(job.attempt, 1);
  EXPECT_EQ(job.source, "test.yaml:2");
}

TEST_P(QueueBackendTest, JobsOnOneObjectRunOneAtATimeInFileOrder) {
  import_all(*queue_, {pin_update("7", "https://a.example/"), tweet_delete("8"),
                       pin_update("7", "https://b.example/"), pin_delete("7")});
  const std::int64_t run = start_run();
  // Only the first job on pin 7 and the tweet are claimable.
  EXPECT_EQ(claim_ids(run, 10), (Ids{1, 2}));
  EXPECT_TRUE(claim_ids(run, 10).empty());  // job 3 waits while job 1 runs
  finish(run, 1, JobState::kSucceeded);
  EXPECT_EQ(claim_ids(run, 10), (Ids{3}));
  // A retrying job still holds its object; a failed one does not hold it for ever.
  finish(run, 3, JobState::kPending, 503, clock_.now_ms() + 1000);
  EXPECT_TRUE(claim_ids(run, 10).empty());
  clock_.advance_ms(1000);
  EXPECT_EQ(claim_ids(run, 10), (Ids{3}));
  finish(run, 3, JobState::kFailed, 400);
  EXPECT_EQ(claim_ids(run, 10), (Ids{4}));
}

TEST_P(QueueBackendTest, ObjectsAreTellingIdentityTargetAndPageApart) {
  api::Action other_identity = tweet_delete("5");
  other_identity.identity = "3bf20011-8965-471b-8f6b-8b66a611aae6";
  import_all(*queue_, {tweet_delete("5"), other_identity, pin_delete("5"),
                       page_post_delete("1", "5"), page_post_delete("2", "5")});
  const std::int64_t run = start_run();
  EXPECT_EQ(claim_ids(run, 10), (Ids{1, 2, 3, 4, 5}));  // five objects: all run at once
}

// Objects are told apart by a 64-bit hash (schema 4). Should two objects share one, their jobs
// wait for each other as if on one object: slower, never out of order or at once.
TEST_P(QueueBackendTest, ObjectsSharingAHashWaitForEachOtherInFileOrder) {
  import_all(*queue_, {pin_delete("1"), tweet_delete("9"), pin_delete("2")});
  exec("UPDATE jobs SET object_hash = 42 WHERE id IN (1, 3)");
  const std::int64_t run = start_run();
  EXPECT_EQ(claim_ids(run, 10), (Ids{1, 2}));
  EXPECT_TRUE(claim_ids(run, 10).empty());
  finish(run, 1, JobState::kSucceeded);
  EXPECT_EQ(claim_ids(run, 10), (Ids{3}));
}

TEST_P(QueueBackendTest, CancelledOrDeadEarlierJobsDoNotHoldTheObject) {
  import_all(*queue_, {pin_delete("7"), pin_update("7", "https://a.example/"),
                       pin_update("7", "https://b.example/")});
  exec("UPDATE jobs SET state = 'cancelled' WHERE id = 1");
  exec("UPDATE jobs SET state = 'dead' WHERE id = 2");
  EXPECT_EQ(claim_ids(start_run(), 10), (Ids{3}));
}

TEST_P(QueueBackendTest, RetriesWaitForTheirTimeAndCountAttempts) {
  import_all(*queue_, {tweet_delete("1"), tweet_delete("2")});
  const std::int64_t run = start_run();
  ASSERT_EQ(claim_ids(run, 1), (Ids{1}));
  finish(run, 1, JobState::kPending, 503, clock_.now_ms() + 5000);
  EXPECT_EQ(claim_ids(run, 10), (Ids{2}));  // a job not yet due does not hold up later ones
  clock_.advance_ms(4999);
  EXPECT_TRUE(claim_ids(run, 1).empty());
  clock_.advance_ms(1);
  auto claimed = queue_->claim(run, 1, kLeaseMs);
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ(claimed->front().job_id, 1);
  EXPECT_EQ(claimed->front().attempt, 2);
}

TEST_P(QueueBackendTest, BatchFilterClaimsOnlyThatBatch) {
  const auto first = import_all(*queue_, {tweet_delete("1"), tweet_delete("2")}, "first.yaml");
  const auto second = import_all(*queue_, {tweet_delete("3"), tweet_delete("4")}, "second.csv");
  const std::int64_t run = start_run();
  EXPECT_EQ(claim_ids(run, 1, second.batch_id), (Ids{3}));
  EXPECT_EQ(claim_ids(run, 10, second.batch_id), (Ids{4}));
  EXPECT_TRUE(claim_ids(run, 10, second.batch_id).empty());
  EXPECT_TRUE(claim_ids(run, 10, 99).empty());
  EXPECT_EQ(claim_ids(run, 10, first.batch_id), (Ids{1, 2}));
}

TEST_P(QueueBackendTest, BatchFilterStillKeepsPerObjectOrderAcrossBatches) {
  import_all(*queue_, {pin_update("7", "https://a.example/")}, "first.yaml");
  const auto second = import_all(*queue_, {pin_delete("7"), tweet_delete("8")}, "second.yaml");
  const std::int64_t run = start_run();
  // Pin 7's delete comes after its update of the first batch, even when only batch 2 runs.
  EXPECT_EQ(claim_ids(run, 10, second.batch_id), (Ids{3}));
  EXPECT_EQ(claim_ids(run, 10), (Ids{1}));
  finish(run, 1, JobState::kSucceeded);
  EXPECT_EQ(claim_ids(run, 10, second.batch_id), (Ids{2}));
}

TEST_P(QueueBackendTest, TwoConnectionsNeverClaimTheSameJob) {
  std::vector<api::Action> actions;
  for (int i = 0; i < 50; ++i) actions.push_back(tweet_delete(std::to_string(i)));
  import_all(*queue_, actions);
  auto other = open_again();  // as a second process would
  ASSERT_TRUE(other.ok()) << other.error().message;
  const std::int64_t run_a = start_run();
  const std::int64_t run_b = *(*other)->begin_run("{}", oneall::testing::kTestLeaseMs);

  std::set<std::int64_t> seen;
  std::size_t total = 0;
  for (int round = 0; round < 10; ++round) {
    for (Queue* queue : {queue_.get(), other->get()}) {
      auto claimed = queue->claim(queue == queue_.get() ? run_a : run_b, 3, kLeaseMs);
      ASSERT_TRUE(claimed.ok()) << claimed.error().message;
      for (const auto& job : *claimed) seen.insert(job.job_id);
      total += claimed->size();
    }
  }
  EXPECT_EQ(total, 50u);
  EXPECT_EQ(seen.size(), 50u);
}

}  // namespace
}  // namespace oneall::store
