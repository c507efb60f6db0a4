// Queue::prune_rows_to, commit_prune and chain_checkpoints on both backends: a prune reads the
// ended jobs and the log's prefix that is theirs, deletes exactly that in one transaction (or
// nothing, when the queue changed meanwhile), and the log goes on from its checkpoint.
#include <gtest/gtest.h>

#include <vector>

#include "store/attempt_chain.hpp"
#include "store/queue.hpp"
#include "store/store_test_helpers.hpp"

namespace oneall::store {
namespace {

using namespace oneall::store::testing;

// Keeps what a prune hands over.
struct Collected final : Queue::RowSink {
  std::vector<std::int64_t> batches;
  std::vector<std::int64_t> jobs;
  std::vector<std::int64_t> rows;
  Status add(const SettingRecord&) override { return Error{"no settings in a prune"}; }
  Status add(const BatchRecord& row) override {
    batches.push_back(row.id);
    return Ok{};
  }
  Status add(const RunRecord&) override { return Error{"no runs in a prune"}; }
  Status add(const JobRecord& row) override {
    jobs.push_back(row.id);
    return Ok{};
  }
  Status add(const ChainCheckpoint&) override { return Error{"no checkpoints in a prune"}; }
  Status add(const ChainedAttempt& row) override {
    rows.push_back(row.id);
    return Ok{};
  }
  Status add(const InFlightRecord&) override { return Error{"no leases in a prune"}; }
  Status add(const PausedScope&) override { return Error{"no paused scopes in a prune"}; }
};

class QueuePruneTest : public QueueBackendTest {
 protected:
  PrunePlan plan(Collected& collected, EpochMs before) {
    auto found = queue_->prune_rows_to(before, collected);
    EXPECT_TRUE(found.ok()) << found.error().message;
    return found.ok() ? *found : PrunePlan{};
  }

  std::vector<std::int64_t> ids(const std::string& table) {
    std::vector<std::int64_t> found;
    for (std::int64_t id = 1; id <= 20; ++id) {
      if (sql_int("SELECT COUNT(*) FROM " + table + " WHERE id = " + std::to_string(id)) == 1) {
        found.push_back(id);
      }
    }
    return found;
  }

  // The log's links from `start`, row after row; the first row that breaks them, or 0.
  std::int64_t first_broken_link(std::string head) {
    std::int64_t broken = 0;
    auto walked = queue_->for_each_chained_attempt([&](const ChainedAttempt& row) {
      if (row.prev_hash != head || chain_hash(row.values, head) != row.row_hash) {
        broken = row.id;
        return false;
      }
      head = *row.row_hash;
      return true;
    });
    EXPECT_TRUE(walked.ok());
    return broken;
  }
};

TEST_P(QueuePruneTest, TakesTheEndedJobsAtTheStartOfTheLogAndLeavesTheRest) {
  import_all(*queue_, {tweet_delete("1"), tweet_delete("2"), tweet_delete("3"), tweet_delete("4"),
                       tweet_delete("5")});
  const std::int64_t run = start_run();
  ASSERT_EQ(claim_ids(run, 5).size(), 5u);
  finish(run, 1, JobState::kSucceeded);
  finish(run, 2, JobState::kFailed, 400);
  finish(run, 3, JobState::kPending, 503, clock_.now_ms() + 1'000'000);
  finish(run, 4, JobState::kSucceeded);
  finish(run, 5, JobState::kSucceeded);
  clock_.advance_ms(86'400'000);

  Collected collected;
  const PrunePlan found = plan(collected, clock_.now_ms());
  EXPECT_EQ(found.after_attempt_id, 0);
  EXPECT_EQ(found.start_hash, kChainGenesis);
  EXPECT_EQ(found.last_attempt_id, 2);  // job 3 is not done: its row and all after it stay
  EXPECT_EQ(collected.rows, (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(collected.jobs, (std::vector<std::int64_t>{1, 2}));
  EXPECT_TRUE(collected.batches.empty());  // the batch keeps jobs 3..5
  EXPECT_EQ(found.jobs, 2);
  EXPECT_EQ(found.attempts, 2);
  EXPECT_EQ(found.end_hash, sql_text("SELECT row_hash FROM attempts WHERE id = 2"));

  ASSERT_TRUE(queue_->commit_prune(found, "archive-1.jsonl.gz").ok());
  EXPECT_EQ(ids("jobs"), (std::vector<std::int64_t>{3, 4, 5}));
  EXPECT_EQ(ids("attempts"), (std::vector<std::int64_t>{3, 4, 5}));
  auto checkpoints = queue_->chain_checkpoints();
  ASSERT_TRUE(checkpoints.ok());
  ASSERT_EQ(checkpoints->size(), 1u);
  const ChainCheckpoint& checkpoint = checkpoints->front();
  EXPECT_EQ(checkpoint.start_hash, kChainGenesis);
  EXPECT_EQ(checkpoint.last_attempt_id, 2);
  EXPECT_EQ(checkpoint.end_hash, found.end_hash);
  EXPECT_EQ(checkpoint.attempts, 2);
  EXPECT_EQ(checkpoint.jobs, 2);
  EXPECT_EQ(checkpoint.archive, "archive-1.jsonl.gz");
  EXPECT_EQ(first_broken_link(checkpoint.end_hash), 0);
}

TEST_P(QueuePruneTest, PruningAgainFindsNothingNewAndNewRowsChainOn) {
  import_all(*queue_, {tweet_delete("1"), tweet_delete("2"), tweet_delete("3")});
  std::int64_t run = start_run();
  ASSERT_EQ(claim_ids(run, 3).size(), 3u);
  finish(run, 1, JobState::kSucceeded);
  finish(run, 2, JobState::kSucceeded);
  finish(run, 3, JobState::kSucceeded);
  clock_.advance_ms(1000);
  Collected first;
  const PrunePlan found = plan(first, clock_.now_ms());
  EXPECT_EQ(found.last_attempt_id, 2);  // the newest row stays: the next links to it
  ASSERT_TRUE(queue_->commit_prune(found, "a.jsonl.gz").ok());

  Collected second;
  const PrunePlan again = plan(second, clock_.now_ms());
  EXPECT_TRUE(again.empty());
  EXPECT_EQ(again.after_attempt_id, 2);
  EXPECT_EQ(again.start_hash, found.end_hash);
  EXPECT_TRUE(second.rows.empty() && second.jobs.empty());

  import_all(*queue_, {tweet_delete("4")}, "more");
  run = start_run();
  ASSERT_EQ(claim_ids(run, 1).size(), 1u);
  finish(run, 4, JobState::kSucceeded);
  EXPECT_EQ(ids("attempts"), (std::vector<std::int64_t>{3, 4}));
  EXPECT_EQ(first_broken_link(found.end_hash), 0);
}

TEST_P(QueuePruneTest, NeverTakesAJobWhoseRowsGoOnPastAnUnfinishedOne) {
  import_all(*queue_, {tweet_delete("1"), tweet_delete("2"), tweet_delete("3")});
  const std::int64_t run = start_run();
  ASSERT_EQ(claim_ids(run, 3).size(), 3u);
  finish(run, 1, JobState::kPending, 503);  // row 1: job 1 will be retried
  finish(run, 2, JobState::kPending, 503, clock_.now_ms() + 1'000'000);  // row 2: job 2 waits
  ASSERT_EQ(claim_ids(run, 3), (std::vector<std::int64_t>{1}));
  finish(run, 1, JobState::kSucceeded);  // row 3: job 1 ends
  finish(run, 3, JobState::kSucceeded);  // row 4
  clock_.advance_ms(1000);
  Collected collected;
  const PrunePlan found = plan(collected, clock_.now_ms());
  EXPECT_TRUE(found.empty());
  EXPECT_EQ(found.last_attempt_id, 0);
}

TEST_P(QueuePruneTest, TakesJobsWithoutRowsAndTheBatchesItEmpties) {
  import_all(*queue_, {tweet_delete("1"), tweet_delete("2")}, "first");
  import_all(*queue_, {tweet_delete("3")}, "second");
  ASSERT_TRUE(queue_->cancel_jobs({}).ok());  // all three cancelled, never sent
  clock_.advance_ms(1000);
  const EpochMs before = clock_.now_ms();
  import_all(*queue_, {tweet_delete("4")}, "third");  // pending: stays, and so does its batch

  Collected collected;
  const PrunePlan found = plan(collected, before);
  EXPECT_EQ(collected.jobs, (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_EQ(collected.batches, (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(found.attempts, 0);
  ASSERT_TRUE(queue_->commit_prune(found, "a.jsonl.gz").ok());
  EXPECT_EQ(ids("jobs"), (std::vector<std::int64_t>{4}));
  EXPECT_EQ(ids("batches"), (std::vector<std::int64_t>{3}));

  // A pruned job is forgotten: its file imported again queues it again, the others not.
  const ImportSummary again = import_all(*queue_, {tweet_delete("1"), tweet_delete("4")}, "again");
  EXPECT_EQ(again.new_jobs, 1);
  EXPECT_EQ(again.duplicates, 1);
}

TEST_P(QueuePruneTest, JobsThatChangedAfterWhenStay) {
  import_all(*queue_, {tweet_delete("1"), tweet_delete("2"), tweet_delete("3")});
  const std::int64_t run = start_run();
  ASSERT_EQ(claim_ids(run, 3).size(), 3u);
  finish(run, 1, JobState::kSucceeded);
  const EpochMs before = clock_.now_ms() + 1;
  clock_.advance_ms(1000);
  finish(run, 2, JobState::kSucceeded);  // ended after `before`
  finish(run, 3, JobState::kSucceeded);
  Collected collected;
  const PrunePlan found = plan(collected, before);
  EXPECT_EQ(collected.jobs, (std::vector<std::int64_t>{1}));
  EXPECT_EQ(found.last_attempt_id, 1);
}

TEST_P(QueuePruneTest, TheDeleteIsRefusedWholeWhenAJobChangedMeanwhile) {
  import_all(*queue_, {tweet_delete("1"), tweet_delete("2"), tweet_delete("3")});
  const std::int64_t run = start_run();
  ASSERT_EQ(claim_ids(run, 3).size(), 3u);
  finish(run, 1, JobState::kFailed, 400);
  finish(run, 2, JobState::kSucceeded);
  finish(run, 3, JobState::kSucceeded);
  clock_.advance_ms(1000);
  Collected collected;
  const PrunePlan found = plan(collected, clock_.now_ms());
  ASSERT_EQ(found.jobs, 2);
  JobFilter failed;
  failed.states = {JobState::kFailed};
  ASSERT_EQ(*queue_->retry_jobs(failed), 1);  // job 1 is pending again

  auto committed = queue_->commit_prune(found, "a.jsonl.gz");
  ASSERT_FALSE(committed.ok());
  EXPECT_NE(committed.error().message.find("nothing was deleted"), std::string::npos);
  EXPECT_EQ(ids("jobs"), (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_EQ(ids("attempts"), (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_TRUE(queue_->chain_checkpoints()->empty());
}

TEST_P(QueuePruneTest, TheDeleteIsRefusedWhenAnotherPruneCommittedFirst) {
  import_all(*queue_, {tweet_delete("1"), tweet_delete("2"), tweet_delete("3")});
  const std::int64_t run = start_run();
  ASSERT_EQ(claim_ids(run, 3).size(), 3u);
  finish(run, 1, JobState::kSucceeded);
  finish(run, 2, JobState::kSucceeded);
  finish(run, 3, JobState::kSucceeded);
  clock_.advance_ms(1000);
  Collected one;
  Collected two;
  const PrunePlan first = plan(one, clock_.now_ms());
  const PrunePlan second = plan(two, clock_.now_ms());
  ASSERT_TRUE(queue_->commit_prune(first, "a.jsonl.gz").ok());
  EXPECT_FALSE(queue_->commit_prune(second, "b.jsonl.gz").ok());
  EXPECT_EQ(queue_->chain_checkpoints()->size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, QueuePruneTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres), backend_name);

}  // namespace
}  // namespace oneall::store
