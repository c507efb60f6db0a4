// Pause and resume (docs/cli.md#pause-and-resume) on both backends: a paused batch or queue is
// never claimed, is no work left (next_pending_at), shows in status, is seen by a run already
// going on another connection at its next claim, and goes with its batch when prune empties it.
#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "store/queue.hpp"
#include "store/store_test_helpers.hpp"

namespace oneall::store {
namespace {

using namespace oneall::store::testing;
using Ids = std::vector<std::int64_t>;

class PauseTest : public QueueBackendTest {
 protected:
  // Batch 1 holds jobs 1 and 2, batch 2 jobs 3 and 4.
  void import_two_batches() {
    import_all(*queue_, {tweet_delete("1"), tweet_delete("2")}, "first");
    import_all(*queue_, {tweet_delete("3"), tweet_delete("4")}, "second");
  }

  bool pause(std::optional<std::int64_t> batch, const std::string& by = "ann@host") {
    auto paused = queue_->pause(batch, by);
    EXPECT_TRUE(paused.ok()) << paused.error().message;
    return paused.ok() && *paused;
  }
  bool resume(std::optional<std::int64_t> batch) {
    auto resumed = queue_->resume(batch);
    EXPECT_TRUE(resumed.ok()) << resumed.error().message;
    return resumed.ok() && *resumed;
  }
  std::optional<EpochMs> next_pending(std::optional<std::int64_t> batch = std::nullopt) {
    auto next = queue_->next_pending_at(batch);
    EXPECT_TRUE(next.ok()) << next.error().message;
    return next.ok() ? *next : std::optional<EpochMs>(-1);
  }
};

TEST_P(PauseTest, APausedBatchIsNotClaimedUntilResumed) {
  import_two_batches();
  EXPECT_TRUE(pause(1));
  EXPECT_FALSE(pause(1));  // already paused: nothing changes
  const std::int64_t run = start_run();
  EXPECT_EQ(claim_ids(run, 10), (Ids{3, 4}));
  EXPECT_TRUE(claim_ids(run, 10, 1).empty());
  // Jobs 1 and 2 wait, but not for a run: no work is left.
  EXPECT_EQ(next_pending(), std::nullopt);
  EXPECT_EQ(next_pending(1), std::nullopt);

  EXPECT_TRUE(resume(1));
  EXPECT_FALSE(resume(1));  // not paused any more
  EXPECT_TRUE(next_pending().has_value());
  EXPECT_EQ(claim_ids(run, 10), (Ids{1, 2}));
}

TEST_P(PauseTest, PausingTheQueuePausesEveryBatchAndResumingItLeavesABatchPausedOnItsOwn) {
  import_two_batches();
  EXPECT_TRUE(pause(2));
  EXPECT_TRUE(pause(std::nullopt));
  const std::int64_t run = start_run();
  EXPECT_TRUE(claim_ids(run, 10).empty());
  EXPECT_TRUE(claim_ids(run, 10, 1).empty());
  EXPECT_EQ(next_pending(), std::nullopt);

  EXPECT_TRUE(resume(std::nullopt));
  EXPECT_EQ(claim_ids(run, 10), (Ids{1, 2}));
  EXPECT_EQ(next_pending(), std::nullopt);  // batch 2 is still paused
}

TEST_P(PauseTest, StatusListsThePausedScopesQueueFirstAndTheirDueJobsAreNotOverdue) {
  import_two_batches();
  clock_.advance_ms(5'000);
  const EpochMs batch_paused_at = clock_.now_ms();
  ASSERT_TRUE(pause(2, "ann@host"));
  clock_.advance_ms(10);
  ASSERT_TRUE(pause(std::nullopt, "bob@other"));
  auto status = queue_->status();
  ASSERT_TRUE(status.ok()) << status.error().message;
  ASSERT_EQ(status->paused.size(), 2u);
  EXPECT_EQ(status->paused[0].scope(), "queue");
  EXPECT_EQ(status->paused[0].paused_by, "bob@other");
  EXPECT_EQ(status->paused[0].paused_at, batch_paused_at + 10);
  EXPECT_EQ(status->paused[1].scope(), "batch:2");
  EXPECT_EQ(status->paused[1].batch_id, 2);
  EXPECT_EQ(status->paused[1].paused_by, "ann@host");
  EXPECT_EQ(status->paused[1].paused_at, batch_paused_at);
  // Every job waits in a paused scope: none is overdue for a run.
  EXPECT_EQ(status->oldest_due_since, std::nullopt);
  EXPECT_EQ(status->by_state[JobState::kPending], 4);

  ASSERT_TRUE(resume(std::nullopt));
  status = queue_->status();
  ASSERT_TRUE(status.ok());
  ASSERT_EQ(status->paused.size(), 1u);
  EXPECT_EQ(status->paused[0].scope(), "batch:2");
  EXPECT_TRUE(status->oldest_due_since.has_value());  // batch 1's jobs are due again
}

// A run already going claims on its own connection: a pause committed from another (another
// process, or on PostgreSQL another host) keeps the run's next claim out of the scope.
TEST_P(PauseTest, APauseFromAnotherConnectionStopsTheNextClaimOfARunAlreadyGoing) {
  import_two_batches();
  const std::int64_t run = start_run();
  EXPECT_EQ(claim_ids(run, 1), (Ids{1}));
  auto other = open_again();
  ASSERT_TRUE(other.ok()) << other.error().message;
  auto paused = (*other)->pause(std::nullopt, "ops@elsewhere");
  ASSERT_TRUE(paused.ok() && *paused);
  EXPECT_TRUE(claim_ids(run, 10).empty());
  auto seen = queue_->paused_scopes();
  ASSERT_TRUE(seen.ok()) << seen.error().message;
  ASSERT_EQ(seen->size(), 1u);
  EXPECT_EQ(seen->front().paused_by, "ops@elsewhere");
  // What the run holds is its own to finish: the pause does not take it away.
  finish(run, 1, JobState::kSucceeded);
  EXPECT_EQ(job_state(1), "succeeded");
}

// The claim's rule of one job at a time per object holds across a pause: a later job on the
// same object in a batch that is not paused waits for the paused one, in file order.
TEST_P(PauseTest, APausedJobStillHoldsBackALaterJobOnTheSameObject) {
  import_all(*queue_, {pin_update("7", "https://a.example/")}, "first");
  import_all(*queue_, {pin_delete("7"), tweet_delete("8")}, "second");
  ASSERT_TRUE(pause(1));
  const std::int64_t run = start_run();
  EXPECT_EQ(claim_ids(run, 10), (Ids{3}));
}

struct DroppedRows final : Queue::RowSink {
  Status add(const SettingRecord&) override { return Ok{}; }
  Status add(const BatchRecord&) override { return Ok{}; }
  Status add(const RunRecord&) override { return Ok{}; }
  Status add(const JobRecord&) override { return Ok{}; }
  Status add(const ChainCheckpoint&) override { return Ok{}; }
  Status add(const ChainedAttempt&) override { return Ok{}; }
  Status add(const InFlightRecord&) override { return Ok{}; }
  Status add(const PausedScope&) override { return Error{"prune moves no paused scope out"}; }
};

// A batch whose jobs all ended (here: cancelled) goes when prune empties it, and its pause with
// it, so a batch that later gets its id is not born paused; the queue's own pause stays.
TEST_P(PauseTest, PruneTakesThePauseOfTheBatchItEmptiesAndKeepsTheQueues) {
  import_two_batches();
  ASSERT_TRUE(pause(1));
  ASSERT_TRUE(pause(std::nullopt));
  JobFilter first_batch;
  first_batch.batch_id = 1;
  ASSERT_EQ(*queue_->cancel_jobs(first_batch), 2);
  clock_.advance_ms(1'000);
  DroppedRows rows;
  auto plan = queue_->prune_rows_to(clock_.now_ms(), rows);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  ASSERT_EQ(plan->batches, 1);
  ASSERT_TRUE(queue_->commit_prune(*plan, "archive.jsonl.gz").ok());
  auto paused = queue_->paused_scopes();
  ASSERT_TRUE(paused.ok()) << paused.error().message;
  ASSERT_EQ(paused->size(), 1u);
  EXPECT_EQ(paused->front().scope(), "queue");
}

INSTANTIATE_TEST_SUITE_P(Backends, PauseTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres), backend_name);

}  // namespace
}  // namespace oneall::store
