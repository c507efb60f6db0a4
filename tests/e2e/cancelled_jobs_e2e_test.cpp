// Cancelled jobs through the real binary (issue 22, item 4): importing their file again says
// they are cancelled rather than "queued", `import --json` names no made-up batch, and
// `retry --state cancelled` brings them back, after which the sandbox receives them.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>

#include "support/job_text.hpp"
#include "support/process.hpp"
#include "support/queue_states.hpp"
#include "support/temp_dir.hpp"

namespace oneall {
namespace {

using testing::queue_states;
using testing::run_oneall;
using testing::TempDir;

// The YAML lines of `count` tweet deletes, object ids from `first`.
std::string tweet_deletes(int count, int first) {
  std::string lines;
  for (int i = 0; i < count; ++i) {
    lines +=
        fmt::format("  - {{op: delete, target: twitter.tweet, object_id: \"{}\"}}\n", first + i);
  }
  return lines;
}

std::string job_file(const std::string& jobs) {
  return fmt::format("defaults: {{identity: {}}}\njobs:\n{}", testing::kTestIdentity, jobs);
}

class CancelledJobsE2e : public ::testing::Test {
 protected:
  TempDir dir_;
  const std::string db_ = dir_.file("q.db");
};

TEST_F(CancelledJobsE2e, ImportSaysWhichDuplicatesAreCancelledAndRetryBringsThemBack) {
  // Batch 1: 3 jobs sent and succeeded. Batch 2: 10 jobs, cancelled.
  const std::string done = dir_.write("done.yaml", job_file(tweet_deletes(3, 1)));
  ASSERT_EQ(run_oneall({"run", "--sandbox", done, "--db", db_}).exit_code, 0);
  const std::string jobs = dir_.write("jobs.yaml", job_file(tweet_deletes(10, 100)));
  auto import = run_oneall({"import", jobs, "--db", db_});
  ASSERT_NE(import.out.find("batch 2: 10 new, 0 already queued"), std::string::npos) << import.out;
  auto cancel = run_oneall({"cancel", "--batch", "2", "--db", db_});
  ASSERT_EQ(cancel.exit_code, 0) << cancel.err;

  // One file holding both, and one job that is new.
  const std::string both =
      dir_.write("both.yaml", job_file(tweet_deletes(3, 1) + tweet_deletes(11, 100)));
  auto again = run_oneall({"import", both, "--db", db_});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("batch 3: 1 new, 13 already queued (3 succeeded, 10 cancelled)"),
            std::string::npos)
      << again.out;
  EXPECT_NE(again.out.find("`oneall-bulk retry --state cancelled`"), std::string::npos)
      << again.out;

  // Nothing new: no batch, not batch 0.
  auto json = run_oneall({"import", jobs, "--db", db_, "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(json.out).get(doc), simdjson::SUCCESS) << json.out;
  EXPECT_TRUE(doc["batch_id"].is_null()) << json.out;
  EXPECT_EQ(doc["new"].get_int64().value(), 0);
  EXPECT_EQ(doc["already_queued"].get_int64().value(), 10);
  EXPECT_EQ(doc["already_queued_states"]["cancelled"].get_int64().value(), 10) << json.out;
  EXPECT_EQ(doc["already_queued_states"]["pending"].get_int64().value(), 0) << json.out;

  // A plain retry takes failed and dead jobs only: a cancel was a decision.
  auto plain = run_oneall({"retry", "--db", db_});
  EXPECT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_NE(plain.out.find("0 job(s) moved back"), std::string::npos) << plain.out;

  auto back = run_oneall({"retry", "--state", "cancelled", "--batch", "2", "--db", db_, "--json"});
  ASSERT_EQ(back.exit_code, 0) << back.err;
  simdjson::dom::element retried;
  ASSERT_EQ(parser.parse(back.out).get(retried), simdjson::SUCCESS) << back.out;
  EXPECT_EQ(retried["retried"].get_int64().value(), 10) << back.out;
  EXPECT_EQ(queue_states(db_).pending, 11);

  auto run = run_oneall({"run", "--sandbox", "--db", db_});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(queue_states(db_).succeeded, 14);
}

}  // namespace
}  // namespace oneall
