// The audit log's hash chain against tampering: rows written through the real queue, then
// changed behind its back through a second connection (as the sqlite3 shell would), and
// `verify_chain` must name the first row that no longer checks out and say what is wrong.
#include "audit/chain_verify.hpp"

#include <gtest/gtest.h>

#include <string>

#include "store/attempt_chain.hpp"
#include "store/migrations.hpp"
#include "store/store_test_helpers.hpp"

namespace oneall::audit {
namespace {

using store::JobState;

class ChainVerifyTest : public store::testing::QueueTest {
 protected:
  // Five jobs, each sent once: five chained attempt rows, ids 1..5, for jobs 1..5.
  void write_five_attempts() {
    store::testing::import_all(
        *queue_, {store::testing::tweet_delete("1"), store::testing::tweet_delete("2"),
                  store::testing::tweet_delete("3"), store::testing::tweet_delete("4"),
                  store::testing::tweet_delete("5")});
    const std::int64_t run = start_run();
    for (std::int64_t id : claim_ids(run, 5)) finish(run, id, JobState::kSucceeded);
  }

  // Raw SQL through a connection of its own, as someone editing the file would.
  void tamper(const std::string& sql) {
    store::Database other = store::Database::open(db_path());
    other.exec(sql);
  }

  ChainReport verify() {
    auto report = verify_chain(*queue_);
    EXPECT_TRUE(report.ok()) << report.error().message;
    return report.ok() ? *report : ChainReport{};
  }
};

TEST_F(ChainVerifyTest, AnEmptyLogIsIntact) {
  const ChainReport report = verify();
  EXPECT_FALSE(report.broken);
  EXPECT_EQ(report.rows_checked, 0);
  EXPECT_EQ(report.head, store::kChainGenesis);
}

TEST_F(ChainVerifyTest, RowsWrittenByTheQueueAreIntactAndTheHeadIsTheLastRowsHash) {
  write_five_attempts();
  const ChainReport report = verify();
  EXPECT_FALSE(report.broken) << report.broken->detail;
  EXPECT_EQ(report.rows_checked, 5);
  EXPECT_EQ(report.head, store::testing::query_text(*queue_,
                                                    "SELECT row_hash FROM attempts "
                                                    "WHERE id = 5"));
}

TEST_F(ChainVerifyTest, InterruptedRowsWrittenAtTheStartOfARunAreChainedToo) {
  store::testing::import_all(*queue_, {store::testing::tweet_delete("1")});
  const std::int64_t first = start_run();
  ASSERT_EQ(claim_ids(first, 1).size(), 1u);
  clock_.advance_ms(store::testing::kLeaseMs + 1);  // the first run died holding it
  start_run();
  ASSERT_EQ(store::testing::query_text(*queue_, "SELECT outcome FROM attempts"), "interrupted");
  const ChainReport report = verify();
  EXPECT_FALSE(report.broken);
  EXPECT_EQ(report.rows_checked, 1);
}

TEST_F(ChainVerifyTest, AnEditedColumnNamesThatRowAndItsJob) {
  write_five_attempts();
  tamper("UPDATE attempts SET http_status = 404 WHERE id = 3");
  const ChainReport report = verify();
  ASSERT_TRUE(report.broken);
  EXPECT_EQ(report.broken->row_id, 3);
  EXPECT_EQ(report.broken->job_id, 3);
  EXPECT_EQ(report.broken->problem, ChainProblem::kEdited);
  EXPECT_EQ(report.rows_checked, 2);
}

TEST_F(ChainVerifyTest, AChangeOfStorageClassAloneIsAnEdit) {
  write_five_attempts();
  tamper("UPDATE attempts SET note = CAST('' AS BLOB) WHERE id = 2");  // same bytes, other type
  const ChainReport report = verify();
  ASSERT_TRUE(report.broken);
  EXPECT_EQ(report.broken->row_id, 2);
  EXPECT_EQ(report.broken->problem, ChainProblem::kEdited);
}

TEST_F(ChainVerifyTest, ADeletedRowIsReportedAtTheRowAfterIt) {
  write_five_attempts();
  tamper("DELETE FROM attempts WHERE id = 3");
  const ChainReport report = verify();
  ASSERT_TRUE(report.broken);
  EXPECT_EQ(report.broken->row_id, 4);
  EXPECT_EQ(report.broken->problem, ChainProblem::kMissing);
  EXPECT_NE(report.broken->detail.find("3..3"), std::string::npos) << report.broken->detail;
}

TEST_F(ChainVerifyTest, DeletingTheFirstRowIsMissingRows) {
  write_five_attempts();
  tamper("DELETE FROM attempts WHERE id = 1");
  const ChainReport report = verify();
  ASSERT_TRUE(report.broken);
  EXPECT_EQ(report.broken->row_id, 2);
  EXPECT_EQ(report.broken->problem, ChainProblem::kMissing);
}

TEST_F(ChainVerifyTest, SwappedRowsAreReordered) {
  write_five_attempts();
  // Rows 2 and 4 trade places, each whole (its hashes too), so each is self-consistent.
  tamper(
      "UPDATE attempts SET id = -2 WHERE id = 2; UPDATE attempts SET id = 2 WHERE id = 4; "
      "UPDATE attempts SET id = 4 WHERE id = -2");
  const ChainReport report = verify();
  ASSERT_TRUE(report.broken);
  EXPECT_EQ(report.broken->row_id, 2);
  EXPECT_EQ(report.broken->job_id, 4);
  EXPECT_EQ(report.broken->problem, ChainProblem::kReordered);
}

TEST_F(ChainVerifyTest, ARowRewrittenWithAFreshHashBreaksTheLinkOfTheNext) {
  write_five_attempts();
  // Edit row 3 and recompute its own hash the way the writer would: row 4 no longer links.
  store::Database other = store::Database::open(db_path());
  other.exec("UPDATE attempts SET http_status = 404 WHERE id = 3");
  store::Statement row(
      other, "SELECT prev_hash, " + store::chain_select_list() + " FROM attempts WHERE id = 3");
  ASSERT_TRUE(row.step());
  const std::string hash = store::chain_hash(store::read_chain_values(row, 1), row.column_text(0));
  row.reset();
  store::Statement update(other, "UPDATE attempts SET row_hash = ?1 WHERE id = 3");
  update.bind(1, hash).run();

  const ChainReport report = verify();
  ASSERT_TRUE(report.broken);
  EXPECT_EQ(report.broken->row_id, 4);
  EXPECT_EQ(report.broken->problem, ChainProblem::kRelinked);
}

TEST_F(ChainVerifyTest, ARowInsertedAroundTheProgramHasNoHash) {
  write_five_attempts();
  tamper(
      "INSERT INTO attempts (run_id, job_id, attempt, started_at, ended_at, method, path, "
      "request_body, curl_error, retry_after, api_flag, api_info, response_body, "
      "response_truncated, outcome, note) SELECT run_id, job_id, 2, 0, 0, method, path, '', "
      "'', '', '', '', '', 0, 'succeeded', '' FROM attempts WHERE id = 5");
  const ChainReport report = verify();
  ASSERT_TRUE(report.broken);
  EXPECT_EQ(report.broken->row_id, 6);
  EXPECT_EQ(report.broken->problem, ChainProblem::kUnhashed);
}

// A log written before schema 3 is chained by the migration, so verify covers it whole.
TEST(ChainMigration, RowsFromBeforeTheChainAreChainedWhenTheQueueIsUpgraded) {
  oneall::testing::TempDir dir;
  const std::string path = dir.file("old.db");
  {
    store::Database db = store::Database::open(path);
    ASSERT_TRUE(store::migrate(db, store::embedded_migrations().first(2)).ok());
    db.exec(
        "INSERT INTO batches VALUES (1, 0, 'old.csv');"
        "INSERT INTO jobs (id, batch_id, job_key, object_key, source, op, target, identity, "
        "page_id, object_id, method, path, body, state, updated_at) VALUES (1, 1, 'k', 'o', "
        "'old.csv:2', 'delete', 'twitter.tweet', 'i', '', '1', 'DELETE', '/p', '', 'succeeded', "
        "0);"
        "INSERT INTO runs (id, started_at, pid, options_json) VALUES (1, 0, 1, '{}');");
    for (int i = 0; i < 3; ++i) {
      db.exec(
          "INSERT INTO attempts (run_id, job_id, attempt, started_at, ended_at, method, path, "
          "request_body, http_status, curl_error, retry_after, api_flag, api_info, "
          "response_body, response_truncated, outcome, note) VALUES (1, 1, 1, 0, 5, 'DELETE', "
          "'/p', '', 503, '', '', 'error', '', '', 0, 'retry', '')");
    }
  }
  ManualClock clock;
  auto queue = store::Queue::open(path, clock);
  ASSERT_TRUE(queue.ok()) << queue.error().message;
  auto report = verify_chain(**queue);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_FALSE(report->broken) << report->broken->detail;
  EXPECT_EQ(report->rows_checked, 3);
}

}  // namespace
}  // namespace oneall::audit
