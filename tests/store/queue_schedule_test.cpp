// Jobs on a schedule (docs/formats.md#scheduled-jobs), on both backends: a job is not claimed
// before its not_before, a pending job past its expires_at is cancelled ('expired') by the claim
// turn rather than claimed, status counts the scheduled ones, and the schedule is part of the job
// key only when given.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "store/migrations.hpp"
#include "store/pg_migrations.hpp"
#include "store/queue.hpp"
#include "store/store_test_helpers.hpp"

namespace oneall::store {
namespace {

using namespace oneall::store::testing;
using Ids = std::vector<std::int64_t>;

using ScheduledAction = std::pair<api::Action, api::Schedule>;

ImportSummary import_scheduled(Queue& queue, const std::vector<ScheduledAction>& jobs) {
  auto session = queue.begin_import("scheduled.csv");
  EXPECT_TRUE(session.ok()) << session.error().message;
  if (!session.ok()) return {};
  int line = 2;
  for (const auto& [action, schedule] : jobs) {
    auto request = api::render(action);
    EXPECT_TRUE(request.ok()) << request.error().message;
    auto added =
        (*session)->add(action, *request, "scheduled.csv:" + std::to_string(line++), schedule);
    EXPECT_TRUE(added.ok()) << added.error().message;
  }
  auto summary = (*session)->commit();
  EXPECT_TRUE(summary.ok()) << summary.error().message;
  return summary.ok() ? *summary : ImportSummary{};
}

api::Schedule not_before(EpochMs at) { return {at, std::nullopt}; }
api::Schedule expires_at(EpochMs at) { return {std::nullopt, at}; }

TEST_P(QueueBackendTest, AScheduledJobIsNotClaimedBeforeItsTime) {
  const EpochMs due = clock_.now_ms() + 5'000;
  import_scheduled(*queue_, {{tweet_delete("1"), not_before(due)}, {tweet_delete("2"), {}}});
  const std::int64_t run = start_run();
  EXPECT_EQ(claim_ids(run, 10), (Ids{2}));
  clock_.advance_ms(4'999);
  EXPECT_TRUE(claim_ids(run, 10).empty());
  clock_.advance_ms(1);
  EXPECT_EQ(claim_ids(run, 10), (Ids{1}));
}

TEST_P(QueueBackendTest, NextPendingAtLeavesOutJobsScheduledAfterTheWait) {
  const EpochMs now = clock_.now_ms();
  import_scheduled(*queue_, {{tweet_delete("1"), not_before(now + 2'000)},
                             {tweet_delete("2"), not_before(now + 365LL * 86'400'000)}});
  // Not worth waiting for without a deadline: a run with nothing else ends.
  EXPECT_EQ(queue_->next_pending_at().value(), std::nullopt);
  EXPECT_EQ(queue_->next_pending_at(std::nullopt, now + 1'999).value(), std::nullopt);
  // Due before a deadline ten seconds away: the run waits for it, and not for next year's.
  EXPECT_EQ(queue_->next_pending_at(std::nullopt, now + 10'000).value(), now + 2'000);
  clock_.advance_ms(2'000);
  EXPECT_EQ(queue_->next_pending_at().value(), now + 2'000);  // due now
}

TEST_P(QueueBackendTest, ARetryWaitingForItsBackoffIsStillWaitedFor) {
  import_scheduled(*queue_, {{tweet_delete("1"), not_before(clock_.now_ms())}});
  const std::int64_t run = start_run();
  ASSERT_EQ(claim_ids(run, 1), (Ids{1}));
  const EpochMs retry_at = clock_.now_ms() + 60'000;
  finish(run, 1, JobState::kPending, 503, retry_at);
  EXPECT_EQ(queue_->next_pending_at().value(), retry_at);
  EXPECT_EQ(queue_->status()->scheduled, 0);
}

TEST_P(QueueBackendTest, StatusCountsScheduledJobsAndTheNextDue) {
  const EpochMs now = clock_.now_ms();
  import_scheduled(*queue_, {{tweet_delete("1"), not_before(now + 9'000)},
                             {tweet_delete("2"), not_before(now + 3'000)},
                             {tweet_delete("3"), {}}});
  const ImportSummary second =
      import_scheduled(*queue_, {{tweet_delete("4"), not_before(now + 7'000)}});
  auto status = queue_->status();
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(status->by_state[JobState::kPending], 4);  // scheduled jobs are pending too
  EXPECT_EQ(status->scheduled, 3);
  EXPECT_EQ(status->next_scheduled_at, now + 3'000);
  ASSERT_EQ(status->batches.size(), 2u);
  EXPECT_EQ(status->batches[0].scheduled, 2);
  EXPECT_EQ(status->batches[0].next_scheduled_at, now + 3'000);
  EXPECT_EQ(status->batches[1].batch_id, second.batch_id);
  EXPECT_EQ(status->batches[1].next_scheduled_at, now + 7'000);

  clock_.advance_ms(3'000);  // due now: no longer scheduled
  status = queue_->status();
  EXPECT_EQ(status->scheduled, 2);
  EXPECT_EQ(status->next_scheduled_at, now + 7'000);
  EXPECT_EQ(status->batches[0].scheduled, 1);
}

TEST_P(QueueBackendTest, AnExpiredJobIsCancelledByTheClaimTurnAndNeverClaimed) {
  const EpochMs now = clock_.now_ms();
  import_scheduled(*queue_, {{tweet_delete("1"), expires_at(now + 1'000)},
                             {tweet_delete("2"), {}},
                             {tweet_delete("3"), expires_at(now + 5'000)}});
  clock_.advance_ms(1'000);
  const std::int64_t run = start_run();
  EXPECT_EQ(claim_ids(run, 10), (Ids{2, 3}));
  EXPECT_EQ(sql_text("SELECT state || ':' || note FROM jobs WHERE id = 1"), "cancelled:expired");
  EXPECT_EQ(sql_int("SELECT updated_at FROM jobs WHERE id = 1"), now + 1'000);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM attempts"), 0);  // no request, no attempt row
  // A job in flight at its expiry is not touched: its answer decides.
  clock_.advance_ms(10'000);
  EXPECT_TRUE(claim_ids(run, 10).empty());
  EXPECT_EQ(job_state(3), "running");
  finish(run, 3, JobState::kSucceeded);
  EXPECT_EQ(job_state(3), "succeeded");
}

TEST_P(QueueBackendTest, ARetryWaitingPastItsExpiryExpires) {
  const EpochMs now = clock_.now_ms();
  import_scheduled(*queue_, {{tweet_delete("1"), expires_at(now + 10'000)}});
  const std::int64_t run = start_run();
  ASSERT_EQ(claim_ids(run, 1), (Ids{1}));
  finish(run, 1, JobState::kPending, 503, now + 20'000);
  clock_.advance_ms(20'000);
  EXPECT_TRUE(claim_ids(run, 1).empty());
  EXPECT_EQ(sql_text("SELECT state || ':' || note FROM jobs WHERE id = 1"), "cancelled:expired");
}

TEST_P(QueueBackendTest, TheScheduleIsPartOfTheJobKeyOnlyWhenGiven) {
  const EpochMs later = clock_.now_ms() + 86'400'000;
  EXPECT_EQ(import_scheduled(*queue_, {{tweet_delete("1"), {}}}).new_jobs, 1);
  // The same job with dates is another job: a campaign cancelled can come back with new dates.
  EXPECT_EQ(import_scheduled(*queue_, {{tweet_delete("1"), not_before(later)}}).new_jobs, 1);
  EXPECT_EQ(import_scheduled(*queue_, {{tweet_delete("1"), {later, later + 1}}}).new_jobs, 1);
  const ImportSummary again =
      import_scheduled(*queue_, {{tweet_delete("1"), {}}, {tweet_delete("1"), not_before(later)}});
  EXPECT_EQ(again.new_jobs, 0);
  EXPECT_EQ(again.duplicates, 2);
  // Without a schedule the key hashes what it always did, so queues made before keep theirs.
  const api::Action action = tweet_delete("1");
  const api::HttpRequest request = *api::render(action);
  EXPECT_EQ(api::job_key_text(action, request), fmt::format("delete\nDELETE\n{}\n", request.path));
}

TEST_P(QueueBackendTest, RetryBringsAScheduledJobBackToWaitForItsTime) {
  const EpochMs due = clock_.now_ms() + 5'000;
  import_scheduled(*queue_, {{tweet_delete("1"), not_before(due)}});
  JobFilter all;
  ASSERT_EQ(queue_->cancel_jobs(all).value(), 1);
  JobFilter cancelled;
  cancelled.states = {JobState::kCancelled};
  ASSERT_EQ(queue_->retry_jobs(cancelled).value(), 1);
  const std::int64_t run = start_run();
  EXPECT_TRUE(claim_ids(run, 1).empty());
  EXPECT_EQ(queue_->status()->scheduled, 1);
  clock_.advance_ms(5'000);
  EXPECT_EQ(claim_ids(run, 1), (Ids{1}));
}

TEST_P(QueueBackendTest, ReportRowsAndCopiedRowsCarryTheSchedule) {
  const EpochMs now = clock_.now_ms();
  import_scheduled(*queue_,
                   {{tweet_delete("1"), {now + 1'000, now + 2'000}}, {tweet_delete("2"), {}}});
  std::vector<JobReportRow> rows;
  ASSERT_TRUE(queue_->for_each_job({}, [&](const JobReportRow& row) { rows.push_back(row); }).ok());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].not_before, now + 1'000);
  EXPECT_EQ(rows[0].expires_at, now + 2'000);
  EXPECT_FALSE(rows[1].not_before);
  EXPECT_FALSE(rows[1].expires_at);

  // `copy` into a SQLite file, and back out of it: the schedule travels with the job.
  oneall::testing::TempDir other_dir;
  auto copy = SqliteQueue::open(other_dir.file("copy.db"), clock_);
  ASSERT_TRUE(copy.ok()) << copy.error().message;
  auto session = (*copy)->begin_copy_in();
  ASSERT_TRUE(session.ok()) << session.error().message;
  ASSERT_TRUE(queue_->copy_rows_to(**session).ok());
  ASSERT_TRUE((*session)->commit().ok());
  rows.clear();
  ASSERT_TRUE(
      (*copy)->for_each_job({}, [&](const JobReportRow& row) { rows.push_back(row); }).ok());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].not_before, now + 1'000);
  EXPECT_EQ(rows[0].expires_at, now + 2'000);
  EXPECT_FALSE(rows[1].not_before);
  EXPECT_EQ((*copy)->status()->scheduled, 1);
}

// The chain as stored: each row's id and links, for comparing before and after.
std::vector<std::string> chain_of(Queue& queue) {
  std::vector<std::string> rows;
  EXPECT_TRUE(queue
                  .for_each_chained_attempt([&](const ChainedAttempt& row) {
                    rows.push_back(fmt::format("{} {} {}", row.id, row.prev_hash.value_or("-"),
                                               row.row_hash.value_or("-")));
                    return true;
                  })
                  .ok());
  return rows;
}

// A queue written before schedules (SQLite schema 10, PostgreSQL 3), made here by taking
// schema 11's (PostgreSQL 4's) columns and indexes, and what later versions added (the paused
// scopes; on SQLite the ready and waiting indexes of schema 13, the indexes by state put back),
// out of a queue with jobs, a run and a chained log: opened again, it gains them, keeps every
// row and its chain, its keys still find its jobs, and it runs on.
TEST_P(QueueBackendTest, AQueueFromBeforeSchedulesIsMigratedAndKeepsItsRowsAndChain) {
  import_all(*queue_, {tweet_delete("1"), tweet_delete("2"), tweet_delete("3")});
  const std::int64_t run = start_run();
  ASSERT_EQ(claim_ids(run, 2), (Ids{1, 2}));
  finish(run, 1, JobState::kSucceeded);
  finish(run, 2, JobState::kPending, 503, clock_.now_ms());
  const std::vector<std::string> chain = chain_of(*queue_);
  ASSERT_EQ(chain.size(), 2u);
  if (!on_postgres()) {
    exec(
        "DROP INDEX jobs_ready; DROP INDEX jobs_waiting; DROP INDEX jobs_waiting_by_batch; "
        "DROP INDEX jobs_ended; ALTER TABLE jobs DROP COLUMN waiting; "
        "CREATE INDEX jobs_by_state ON jobs (state, id); "
        "CREATE INDEX jobs_due ON jobs (state, next_attempt_at) WHERE state = 'pending'; "
        "CREATE INDEX jobs_due_by_batch ON jobs (batch_id, state, next_attempt_at) "
        "WHERE state = 'pending'");
  }
  exec(
      "DROP INDEX jobs_scheduled; DROP INDEX jobs_expiring; "
      "ALTER TABLE jobs DROP COLUMN not_before; ALTER TABLE jobs DROP COLUMN expires_at; "
      "DROP TABLE paused_scopes");
  exec(on_postgres() ? "DELETE FROM oneall_schema WHERE version >= 4" : "PRAGMA user_version = 10");
  queue_.reset();
  auto reopened = open_again(QueueOpen::kExistingOnly);
  ASSERT_TRUE(reopened.ok()) << reopened.error().message;
  queue_ = std::move(*reopened);

  EXPECT_EQ(sql_text(on_postgres() ? "SELECT MAX(version)::TEXT FROM oneall_schema"
                                   : "PRAGMA user_version"),
            std::to_string(on_postgres() ? embedded_pg_migrations().back().version
                                         : embedded_migrations().back().version));
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM jobs WHERE not_before IS NULL AND expires_at IS NULL"),
            3);
  EXPECT_EQ(chain_of(*queue_), chain);
  EXPECT_EQ(queue_->status()->scheduled, 0);
  if (!on_postgres()) {  // the retry waits for its time (come already: the claim below sees it)
    EXPECT_EQ(sql_text("SELECT group_concat(id || ':' || waiting) FROM jobs"), "1:0,2:1,3:0");
  }
  // Its jobs' keys are as they were: importing them again adds nothing.
  EXPECT_EQ(import_all(*queue_, {tweet_delete("1"), tweet_delete("2"), tweet_delete("3")}).new_jobs,
            0);
  // It runs on: the retry and the job never claimed, the new row linked to the old chain's end.
  const std::int64_t next_run = start_run();
  EXPECT_EQ(claim_ids(next_run, 10), (Ids{2, 3}));
  finish(next_run, 2, JobState::kSucceeded);
  const std::vector<std::string> longer = chain_of(*queue_);
  ASSERT_EQ(longer.size(), 3u);
  EXPECT_EQ(std::vector<std::string>(longer.begin(), longer.begin() + 2), chain);
  const std::string last_hash = chain.back().substr(chain.back().rfind(' ') + 1);
  EXPECT_NE(longer.back().find(" " + last_hash + " "), std::string::npos) << longer.back();
}

}  // namespace
}  // namespace oneall::store
