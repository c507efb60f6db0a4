// report, retry, cancel and audit verify through the real binary, after a real run against the
// built-in sandbox; the tamper test edits an attempt row with the sqlite3 shell, as the issue
// asks, and verify must fail naming that row.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace oneall {
namespace {

using testing::run_oneall;

// Five deletes, all answered 200 by the sandbox.
constexpr const char* kJobs =
    "defaults: {identity: 2af20011-8965-471b-8f6b-8b66a611aae6}\n"
    "jobs:\n"
    "  - {op: delete, target: twitter.tweet, object_id: \"1\"}\n"
    "  - {op: delete, target: twitter.tweet, object_id: \"2\"}\n"
    "  - {op: delete, target: twitter.tweet, object_id: \"3\"}\n"
    "  - {op: delete, target: twitter.tweet, object_id: \"4\"}\n"
    "  - {op: delete, target: twitter.tweet, object_id: \"5\"}\n";

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class AuditCommandsE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string jobs = dir_.write("jobs.yaml", kJobs);
    // One at a time, so attempt row N is job N's: the checks below name both.
    auto run = run_oneall({"run", "--sandbox", "--concurrency", "1", "--db", db_, jobs});
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }
  int sqlite(const std::string& sql) {
    return std::system(("sqlite3 '" + db_ + "' \"" + sql + "\"").c_str());
  }

  oneall::testing::TempDir dir_;
  const std::string db_ = dir_.file("queue.db");
};

TEST_F(AuditCommandsE2e, VerifyPassesThenNamesTheRowEditedWithSqlite3) {
  auto intact = run_oneall({"audit", "verify", "--db", db_});
  EXPECT_EQ(intact.exit_code, 0) << intact.err;
  EXPECT_NE(intact.out.find("audit log intact: 5 attempt row(s)"), std::string::npos) << intact.out;

  ASSERT_EQ(sqlite("UPDATE attempts SET response_body = '{}' WHERE id = 4"), 0);
  auto edited = run_oneall({"audit", "verify", "--db", db_});
  EXPECT_EQ(edited.exit_code, 1);
  EXPECT_NE(edited.err.find("BROKEN at attempt row 4 (job 4): edited"), std::string::npos)
      << edited.err;
}

TEST_F(AuditCommandsE2e, VerifyFailsOnADeletedRow) {
  ASSERT_EQ(sqlite("DELETE FROM attempts WHERE id = 2"), 0);
  auto deleted = run_oneall({"audit", "verify", "--json", "--db", db_});
  EXPECT_EQ(deleted.exit_code, 1);
  EXPECT_NE(deleted.out.find(R"("row_id":3,"job_id":3,"problem":"missing")"), std::string::npos)
      << deleted.out;
}

TEST_F(AuditCommandsE2e, VerifyFailsOnSwappedRows) {
  ASSERT_EQ(sqlite("UPDATE attempts SET id = -4 WHERE id = 4; UPDATE attempts SET id = 4 WHERE "
                   "id = 5; UPDATE attempts SET id = 5 WHERE id = -4"),
            0);
  auto swapped = run_oneall({"audit", "verify", "--json", "--db", db_});
  EXPECT_EQ(swapped.exit_code, 1);
  EXPECT_NE(swapped.out.find(R"("row_id":4,"job_id":5,"problem":"reordered")"), std::string::npos)
      << swapped.out;
}

TEST_F(AuditCommandsE2e, ReportRetryAndCancelThroughTheBinary) {
  ASSERT_EQ(sqlite("UPDATE jobs SET state = 'failed', last_http_status = 404, note = '=1+1' "
                   "WHERE id = 2; UPDATE jobs SET state = 'pending' WHERE id IN (4, 5)"),
            0);
  const std::string out = dir_.file("report.csv");
  auto report = run_oneall({"report", "--db", db_, "--state", "failed", "--out", out});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  struct stat info {};
  ASSERT_EQ(::stat(out.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  const std::string csv = read_file(out);
  EXPECT_EQ(csv.rfind("id,batch_id,source,", 0), 0u) << csv;
  EXPECT_NE(csv.find(",failed,1,404,succeeded,'=1+1,"), std::string::npos) << csv;
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 2) << "header and job 2 only";

  auto jsonl = run_oneall({"report", "--db", db_, "--format", "jsonl", "--batch", "1"});
  ASSERT_EQ(jsonl.exit_code, 0) << jsonl.err;
  EXPECT_EQ(std::count(jsonl.out.begin(), jsonl.out.end(), '\n'), 5);

  auto refused = run_oneall({"cancel", "--db", db_});
  EXPECT_EQ(refused.exit_code, 2);
  auto cancel = run_oneall({"cancel", "--db", db_, "--job", "5"});
  EXPECT_EQ(cancel.exit_code, 0) << cancel.err;
  EXPECT_NE(cancel.out.find("1 pending job(s) cancelled"), std::string::npos) << cancel.out;

  auto retry = run_oneall({"retry", "--db", db_, "--json"});
  EXPECT_EQ(retry.exit_code, 0) << retry.err;
  EXPECT_EQ(retry.out, "{\"queue\":\"" + db_ + "\",\"retried\":1,\"exit_code\":0}\n");

  // The next run sends jobs 2 (retried) and 4 (pending); 5 stays cancelled.
  auto run = run_oneall({"run", "--sandbox", "--db", db_});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  auto after = run_oneall({"report", "--db", db_, "--state", "cancelled", "--format", "jsonl"});
  EXPECT_NE(after.out.find("\"id\":5,"), std::string::npos) << after.out;
  EXPECT_EQ(run_oneall({"audit", "verify", "--db", db_}).exit_code, 0);
}

}  // namespace
}  // namespace oneall
