// The SQLite import's bulk path (src/store/queue_import.cpp): past some tens of thousands of
// rows it drops jobs_by_object and builds it again before the commit, and it writes job_keys
// at the end. What a run relies on must come out as if every row had gone in one by one.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "store/job_keys.hpp"
#include "store/queue.hpp"
#include "store/store_test_helpers.hpp"

namespace oneall::store {
namespace {

using namespace oneall::store::testing;

// More than the import's threshold for rebuilding the object index (50,000 rows).
constexpr int kBigImport = 60'000;

class SqliteBulkImportTest : public QueueTest {
 protected:
  std::string object_index_sql() {
    return sql_text("SELECT sql FROM sqlite_schema WHERE name = 'jobs_by_object'");
  }
  // kBigImport tweet deletes, with a link change on pin "p" first and its delete last: two jobs
  // on one object at the two ends of the file.
  std::vector<api::Action> big_file() {
    std::vector<api::Action> actions;
    actions.push_back(pin_update("p", "https://a.example/"));
    for (int i = 0; i < kBigImport; ++i) actions.push_back(tweet_delete(std::to_string(i)));
    actions.push_back(pin_delete("p"));
    return actions;
  }
};

TEST_F(SqliteBulkImportTest, ABigImportKeepsTheObjectIndexAndThePerObjectOrder) {
  const std::string index_before = object_index_sql();
  ASSERT_NE(index_before, "");
  const ImportSummary summary = import_all(*queue_, big_file());
  EXPECT_EQ(summary.new_jobs, kBigImport + 2);
  EXPECT_EQ(object_index_sql(), index_before);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM job_keys AS k JOIN jobs AS j ON j.id = k.job_id "
                    "AND j.job_key = k.job_key"),
            kBigImport + 2);
  EXPECT_EQ(sql_text("PRAGMA integrity_check"), "ok");

  // The pin's delete waits for its link change, however many jobs lie between them.
  const std::int64_t run = start_run();
  const std::vector<std::int64_t> claimed = claim_ids(run, kBigImport + 2);
  EXPECT_EQ(claimed.size(), static_cast<std::size_t>(kBigImport + 1));
  EXPECT_EQ(claimed.front(), 1);
  EXPECT_EQ(claimed.back(), kBigImport + 1);

  // A second big import into the now big queue finds every job of the first, also once it has
  // read the keys queued into its filter (past 50,000 lookups), and queues the new ones after.
  std::vector<api::Action> second = big_file();
  for (int i = 0; i < 100; ++i) second.push_back(tweet_delete(std::to_string(1'000'000 + i)));
  second.push_back(tweet_delete("7"));  // queued by the first import
  const ImportSummary again = import_all(*queue_, second);
  EXPECT_EQ(again.new_jobs, 100);
  EXPECT_EQ(again.duplicates, kBigImport + 3);
  EXPECT_EQ(again.duplicates_by_state.at(JobState::kRunning), kBigImport + 2);
  EXPECT_EQ(again.duplicates_by_state.at(JobState::kPending), 1) << "the pin's delete";
}

// add_all writes 64 jobs to a statement, and what is left of its jobs 8 and then 1 at a time:
// the queue it makes is the one add() makes job by job, row for row, with jobs already queued
// and a job repeated within the import among them, wherever they fall in the statements. (The
// second import binds 221 rows: three statements of 64, three of 8, five of one.)
TEST_F(SqliteBulkImportTest, AddAllQueuesWhatAddQueuesJobByJob) {
  std::vector<NewJob> first;
  std::vector<NewJob> second;
  Sha256 hasher;
  for (int i = 0; i < 330; ++i) {
    const api::Action action = i % 5 == 0 ? pin_update(std::to_string(i), "https://a.example/")
                                          : tweet_delete(std::to_string(i));
    (i % 3 == 0 ? first : second)
        .push_back(
            keyed_job(hasher, action, {}, *api::render(action), "x.csv:" + std::to_string(i)));
  }
  second.push_back(second[7]);                   // repeated within the import
  second.insert(second.begin() + 20, first[4]);  // already queued, between two statements' jobs

  const std::string rows_sql =
      "SELECT group_concat(id || ' ' || hex(job_key) || ' ' || source || ' ' || method || ' ' || "
      "path || ' ' || body || ' ' || waiting, '\n') FROM (SELECT * FROM jobs ORDER BY id)";
  auto import_into = [&](Queue& queue, bool all_at_once) -> std::string {
    for (const std::vector<NewJob>* jobs : {&first, &second}) {
      auto session = queue.begin_import("test");
      EXPECT_TRUE(session.ok());
      if (!session.ok()) return "";
      if (all_at_once) {
        EXPECT_TRUE((*session)->add_all(*jobs).ok());
      } else {
        for (const NewJob& job : *jobs) {
          EXPECT_TRUE((*session)->add(job.action, job.request, job.source, job.schedule).ok());
        }
      }
      auto summary = (*session)->commit();
      EXPECT_TRUE(summary.ok());
      if (jobs == &second && summary.ok()) {
        EXPECT_EQ(summary->new_jobs, static_cast<std::int64_t>(second.size()) - 2);
        EXPECT_EQ(summary->duplicates, 2);
      }
    }
    return query_text(queue, rows_sql);
  };
  auto one_by_one = SqliteQueue::open(dir_.file("one-by-one.db"), clock_);
  ASSERT_TRUE(one_by_one.ok()) << one_by_one.error().message;
  const std::string expected = import_into(**one_by_one, false);
  ASSERT_EQ(std::count(expected.begin(), expected.end(), '\n'), 329) << expected;
  EXPECT_EQ(import_into(*queue_, true), expected);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM job_keys AS k JOIN jobs AS j ON j.id = k.job_id "
                    "AND j.job_key = k.job_key"),
            330);
}

TEST_F(SqliteBulkImportTest, ABigImportNotCommittedLeavesTheQueueAsItWas) {
  import_all(*queue_, {tweet_delete("first")});
  const std::string index_before = object_index_sql();
  {
    auto session = queue_->begin_import("abandoned");
    ASSERT_TRUE(session.ok()) << session.error().message;
    for (const api::Action& action : big_file()) {
      ASSERT_TRUE((*session)->add(action, *api::render(action), "big.csv:1").ok());
    }
  }  // destroyed without commit, after the object index was dropped
  EXPECT_EQ(object_index_sql(), index_before);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM jobs"), 1);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM job_keys"), 1);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM batches"), 1);
  // Temporary files went back to memory for the claims (sqlite_queue.cpp).
  EXPECT_EQ(sql_int("PRAGMA temp_store"), 2);
}

}  // namespace
}  // namespace oneall::store
