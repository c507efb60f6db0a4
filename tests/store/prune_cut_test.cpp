// The rule of what prefix of the attempt log a prune takes (store/prune_cut.hpp), table-driven:
// it stops at the first row of a job that may not go, never splits a job, and leaves the newest
// row of the log.
#include "store/prune_cut.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace oneall::store {
namespace {

struct Row {
  std::int64_t id;
  bool prunable;
  std::int64_t job_last_row;
};

std::int64_t cut(std::int64_t after, std::int64_t log_last, const std::vector<Row>& rows) {
  PruneCut walk(after, log_last);
  for (const Row& row : rows) {
    if (!walk.add(row.id, row.prunable, row.job_last_row)) break;
  }
  return walk.last_id();
}

TEST(PruneCutTest, TakesRowsUpToTheFirstJobThatMayNotGo) {
  EXPECT_EQ(cut(0, 5, {{1, true, 1}, {2, true, 2}, {3, false, 3}, {4, true, 4}, {5, true, 5}}), 2);
}

TEST(PruneCutTest, NeverSplitsAJobWhoseRowsGoOnPastTheCut) {
  // Job of rows 1 and 3 is split by row 2's unfinished job: nothing can go.
  EXPECT_EQ(cut(0, 4, {{1, true, 3}, {2, false, 2}, {3, true, 3}, {4, true, 4}}), 0);
  // Interleaved jobs that both end before the stop: cut after the later one ends.
  EXPECT_EQ(cut(0, 5, {{1, true, 3}, {2, true, 2}, {3, true, 3}, {4, false, 4}, {5, true, 5}}), 3);
  // A job whose rows end at row 4 holds the cut back to before it.
  EXPECT_EQ(cut(0, 6, {{1, true, 1}, {2, true, 4}, {3, true, 3}, {4, false, 6}}), 1);
}

TEST(PruneCutTest, LeavesTheNewestRowOfTheLog) {
  EXPECT_EQ(cut(0, 3, {{1, true, 1}, {2, true, 2}, {3, true, 3}}), 2);
  EXPECT_EQ(cut(0, 3, {{1, true, 3}, {2, true, 2}, {3, true, 3}}), 0);
}

TEST(PruneCutTest, StartsAfterTheLastCheckpoint) {
  EXPECT_EQ(cut(10, 14, {{11, true, 12}, {12, true, 12}, {13, true, 13}, {14, true, 14}}), 13);
  EXPECT_EQ(cut(10, 14, {{11, false, 11}}), 10);
  EXPECT_EQ(cut(0, 0, {}), 0);  // an empty log
}

TEST(PruneCutTest, TheJobConditionsAreThoseOfAnEndedJobHeldByNoRun) {
  const std::string sql = prunable_job_sql("j", "?1", "?2");
  EXPECT_NE(sql.find("'succeeded', 'failed', 'dead', 'cancelled'"), std::string::npos);
  EXPECT_NE(sql.find("j.updated_at < ?1"), std::string::npos);
  EXPECT_NE(sql.find("in_flight"), std::string::npos);
  EXPECT_NE(sql.find("k.id > ?2"), std::string::npos);
}

}  // namespace
}  // namespace oneall::store
