// The SQLite import's bulk path (src/store/queue_import.cpp): past some tens of thousands of
// rows it drops jobs_by_object and builds it again before the commit, and it writes job_keys
// at the end. What a run relies on must come out as if every row had gone in one by one.
#include <gtest/gtest.h>

#include <string>
#include <vector>

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

  // A second big import into the now big queue finds every job of the first.
  const ImportSummary again = import_all(*queue_, big_file());
  EXPECT_EQ(again.new_jobs, 0);
  EXPECT_EQ(again.duplicates, kBigImport + 2);
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
