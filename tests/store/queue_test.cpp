#include "store/queue.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "store/store_test_helpers.hpp"
#include "support/temp_dir.hpp"

namespace oneall::store {
namespace {

using namespace oneall::store::testing;

class QueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Queue::open(dir_.file("queue.db"), clock_);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    queue_ = std::move(*opened);
  }

  std::vector<std::int64_t> claim_ids(std::int64_t run_id, std::size_t limit,
                                      std::optional<std::int64_t> batch = std::nullopt) {
    auto claimed = queue_->claim(run_id, limit, 60'000, batch);
    EXPECT_TRUE(claimed.ok()) << claimed.error().message;
    std::vector<std::int64_t> ids;
    for (const auto& job : *claimed) ids.push_back(job.job_id);
    return ids;
  }

  void finish(std::int64_t run_id, std::int64_t job_id, JobState state, int http_status = 200,
              EpochMs next_attempt_at = 0) {
    AttemptRecord attempt;
    attempt.run_id = run_id;
    attempt.job_id = job_id;
    attempt.attempt = 1;
    attempt.started_at = clock_.now_ms();
    attempt.ended_at = clock_.now_ms();
    attempt.method = "DELETE";
    attempt.path = "/p";
    attempt.http_status = http_status;
    attempt.outcome = state == JobState::kPending ? "retry" : std::string(state_name(state));
    auto done = queue_->finish(attempt, {state, next_attempt_at, ""});
    ASSERT_TRUE(done.ok()) << done.error().message;
  }

  std::int64_t count(JobState state) { return queue_->status()->by_state[state]; }

  oneall::testing::TempDir dir_;
  ManualClock clock_;
  std::unique_ptr<Queue> queue_;
};

TEST_F(QueueTest, ImportCountsNewJobsAndIsIdempotent) {
  const std::vector<api::Action> actions = {tweet_delete("1"), tweet_delete("2"),
                                            pin_update("3", "https://a.example/")};
  const ImportSummary first = import_all(*queue_, actions);
  EXPECT_EQ(first.batch_id, 1);
  EXPECT_EQ(first.new_jobs, 3);
  EXPECT_EQ(first.duplicates, 0);

  const ImportSummary again = import_all(*queue_, actions);
  EXPECT_EQ(again.new_jobs, 0);
  EXPECT_EQ(again.duplicates, 3);
  EXPECT_EQ(again.batch_id, 0);  // no batch row for an import that added nothing
  EXPECT_EQ(queue_->status()->batches.size(), 1u);
  EXPECT_EQ(count(JobState::kPending), 3);
}

TEST_F(QueueTest, ImportWithoutCommitQueuesNothing) {
  {
    auto session = queue_->begin_import("abandoned");
    ASSERT_TRUE(session.ok());
    ASSERT_TRUE((*session)->add(tweet_delete("1"), *api::render(tweet_delete("1")), "f:1").ok());
  }  // destroyed without commit
  auto status = queue_->status();
  EXPECT_EQ(status->by_state[JobState::kPending], 0);
  EXPECT_TRUE(status->batches.empty());
}

TEST_F(QueueTest, ClaimsInFileOrderUpToTheLimit) {
  import_all(*queue_, {tweet_delete("1"), tweet_delete("2"), tweet_delete("3")});
  const auto run = queue_->begin_run("{}");
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(claim_ids(*run, 2), (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(claim_ids(*run, 5), (std::vector<std::int64_t>{3}));
  EXPECT_TRUE(claim_ids(*run, 5).empty());
  EXPECT_EQ(count(JobState::kRunning), 3);
}

TEST_F(QueueTest, ClaimedJobCarriesTheRenderedRequest) {
  const api::Action action = pin_update("352969689546669253", "https://a.example/");
  import_all(*queue_, {action});
  const auto run = queue_->begin_run("{}");
  auto claimed = queue_->claim(*run, 1, 60'000);
  ASSERT_EQ(claimed->size(), 1u);
  const ClaimedJob& job = claimed->front();
  const api::HttpRequest expected = *api::render(action);
  EXPECT_EQ(job.method, expected.method);
  EXPECT_EQ(job.path, expected.path);
  EXPECT_EQ(job.body, expected.body);
  EXPECT_EQ(job.op, api::Op::kUpdate);
  EXPECT_EQ(job.attempt, 1);
  EXPECT_EQ(job.source, "test.yaml:1");
}

TEST_F(QueueTest, JobsOnOneObjectRunOneAtATimeInFileOrder) {
  import_all(*queue_, {pin_update("7", "https://a.example/"), tweet_delete("8"),
                       pin_update("7", "https://b.example/"), pin_delete("7")});
  const auto run = queue_->begin_run("{}");
  // Only the first job on pin 7 and the tweet are claimable.
  EXPECT_EQ(claim_ids(*run, 10), (std::vector<std::int64_t>{1, 2}));
  finish(*run, 1, JobState::kSucceeded);
  EXPECT_EQ(claim_ids(*run, 10), (std::vector<std::int64_t>{3}));
  // A failed job does not block the object for ever; a retrying one does.
  finish(*run, 3, JobState::kPending, 503, clock_.now_ms() + 1000);
  EXPECT_TRUE(claim_ids(*run, 10).empty());
  clock_.advance_ms(1000);
  EXPECT_EQ(claim_ids(*run, 10), (std::vector<std::int64_t>{3}));
  finish(*run, 3, JobState::kFailed, 400);
  EXPECT_EQ(claim_ids(*run, 10), (std::vector<std::int64_t>{4}));
}

TEST_F(QueueTest, RetriesWaitForTheirTimeAndCountAttempts) {
  import_all(*queue_, {tweet_delete("1")});
  const auto run = queue_->begin_run("{}");
  ASSERT_EQ(claim_ids(*run, 1).size(), 1u);
  finish(*run, 1, JobState::kPending, 503, clock_.now_ms() + 5000);
  EXPECT_EQ(queue_->next_pending_at().value(), clock_.now_ms() + 5000);
  EXPECT_TRUE(claim_ids(*run, 1).empty());
  clock_.advance_ms(5000);
  auto claimed = queue_->claim(*run, 1, 60'000);
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ(claimed->front().attempt, 2);
}

TEST_F(QueueTest, FinishWritesTheAttemptRowAndMovesTheJob) {
  import_all(*queue_, {tweet_delete("1")});
  const auto run = queue_->begin_run("{}");
  claim_ids(*run, 1);
  AttemptRecord attempt;
  attempt.run_id = *run;
  attempt.job_id = 1;
  attempt.attempt = 1;
  attempt.started_at = 100;
  attempt.ended_at = 250;
  attempt.method = "DELETE";
  attempt.path = "/update/x.json";
  attempt.http_status = 404;
  attempt.api_flag = "error";
  attempt.api_code = 404;
  attempt.api_info = "Unknown object";
  attempt.response_body = "{}";
  attempt.outcome = "failed";
  attempt.note = "http_404";
  ASSERT_TRUE(queue_->finish(attempt, {JobState::kFailed, 0, "http_404"}).ok());

  EXPECT_EQ(count(JobState::kFailed), 1);
  auto rows = queue_->attempts({});
  ASSERT_EQ(rows->size(), 1u);
  const AttemptRow& row = rows->front();
  EXPECT_EQ(row.job_id, 1);
  EXPECT_EQ(row.http_status, 404);
  EXPECT_EQ(row.api_code, 404);
  EXPECT_EQ(row.api_info, "Unknown object");
  EXPECT_EQ(row.ended_at - row.started_at, 150);
  EXPECT_EQ(row.outcome, "failed");
  EXPECT_EQ(queue_->attempts({.job_id = 2, .run_id = std::nullopt})->size(), 0u);

  // Finishing a job that is no longer running is refused, and writes nothing.
  EXPECT_FALSE(queue_->finish(attempt, {JobState::kFailed, 0, ""}).ok());
  EXPECT_EQ(queue_->attempts({})->size(), 1u);
}

TEST_F(QueueTest, ReleaseGivesAClaimBackWithoutCountingAnAttempt) {
  import_all(*queue_, {tweet_delete("1")});
  const auto run = queue_->begin_run("{}");
  claim_ids(*run, 1);
  ASSERT_TRUE(queue_->release(1).ok());
  auto claimed = queue_->claim(*run, 1, 60'000);
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ(claimed->front().attempt, 1);
}

TEST_F(QueueTest, ExpiredLeasesAreReclaimedWithAnInterruptedAttempt) {
  import_all(*queue_, {tweet_delete("1"), tweet_delete("2")});
  const auto crashed_run = queue_->begin_run("{}");
  ASSERT_EQ(claim_ids(*crashed_run, 2).size(), 2u);  // then the process "dies"

  // A new run before the leases expire takes nothing over.
  clock_.advance_ms(30'000);
  const auto early_run = queue_->begin_run("{}");
  EXPECT_EQ(count(JobState::kRunning), 2);

  clock_.advance_ms(31'000);  // lease was 60 s
  const auto next_run = queue_->begin_run("{}");
  ASSERT_TRUE(next_run.ok());
  EXPECT_EQ(count(JobState::kRunning), 0);
  EXPECT_EQ(count(JobState::kPending), 2);
  auto rows = queue_->attempts({});
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ(rows->at(0).outcome, "interrupted");
  EXPECT_EQ(rows->at(0).run_id, *crashed_run);
  EXPECT_EQ(rows->at(0).http_status, 0);
  // The interrupted attempt counts: the next one is attempt 2.
  auto claimed = queue_->claim(*next_run, 1, 60'000);
  EXPECT_EQ(claimed->front().attempt, 2);
}

TEST_F(QueueTest, RenewedLeasesAreNotReclaimed) {
  import_all(*queue_, {tweet_delete("1")});
  const auto run = queue_->begin_run("{}");
  claim_ids(*run, 1);
  clock_.advance_ms(50'000);
  ASSERT_TRUE(queue_->renew_leases(*run, 60'000).ok());
  clock_.advance_ms(50'000);
  ASSERT_TRUE(queue_->begin_run("{}").ok());
  EXPECT_EQ(count(JobState::kRunning), 1);
}

TEST_F(QueueTest, BatchFilterLimitsClaimsAndStatusCountsPerBatch) {
  const auto first = import_all(*queue_, {tweet_delete("1")}, "first.yaml");
  const auto second = import_all(*queue_, {tweet_delete("2"), tweet_delete("3")}, "second.csv");
  const auto run = queue_->begin_run("{}");
  EXPECT_EQ(claim_ids(*run, 10, second.batch_id), (std::vector<std::int64_t>{2, 3}));

  auto status = queue_->status();
  ASSERT_EQ(status->batches.size(), 2u);
  EXPECT_EQ(status->batches[0].batch_id, first.batch_id);
  EXPECT_EQ(status->batches[0].description, "first.yaml");
  EXPECT_EQ(status->batches[0].by_state[JobState::kPending], 1);
  EXPECT_EQ(status->batches[1].by_state[JobState::kRunning], 2);
  EXPECT_EQ(status->by_state.size(), kAllJobStates.size());
}

TEST_F(QueueTest, LastRunIsReportedWithItsAttempts) {
  import_all(*queue_, {tweet_delete("1")});
  const auto run = queue_->begin_run(R"({"concurrency":1})");
  claim_ids(*run, 1);
  finish(*run, 1, JobState::kSucceeded);
  ASSERT_TRUE(queue_->end_run(*run, 0, "{}").ok());
  auto last = queue_->status()->last_run;
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->run_id, *run);
  EXPECT_EQ(last->exit_code, 0);
  EXPECT_EQ(last->attempts, 1);
  EXPECT_TRUE(last->ended_at.has_value());
}

TEST_F(QueueTest, DatabaseIsPrivateAndInWalMode) {
  struct stat info {};
  ASSERT_EQ(stat(dir_.file("queue.db").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  Statement mode(queue_->database(), "PRAGMA journal_mode");
  ASSERT_TRUE(mode.step());
  EXPECT_EQ(mode.column_text(0), "wal");
}

TEST_F(QueueTest, ReopeningKeepsEverything) {
  import_all(*queue_, {tweet_delete("1"), tweet_delete("2")});
  queue_.reset();
  auto reopened = Queue::open(dir_.file("queue.db"), clock_);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->status()->by_state[JobState::kPending], 2);
}

TEST(QueueOpen, SaysWhichFileCannotBeOpened) {
  ManualClock clock;
  auto opened = Queue::open("/nonexistent-dir/queue.db", clock);
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().message.find("/nonexistent-dir/queue.db"), std::string::npos);
}

}  // namespace
}  // namespace oneall::store
