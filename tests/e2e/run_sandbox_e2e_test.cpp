// End to end through the real binary: job files on disk -> SQLite queue -> libcurl -> the
// sandbox over loopback -> audit log, read back with `status --json` and `audit`.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "support/process.hpp"
#include "support/queue_states.hpp"
#include "support/temp_dir.hpp"

namespace oneall {
namespace {

using testing::queue_states;
using testing::QueueStates;
using testing::run_oneall;
using testing::TempDir;

const std::string kCleanupYaml = std::string(ONEALL_SOURCE_DIR) + "/jobs/examples/cleanup.yaml";

// Every line must be one JSON object; returns how many lines there were per outcome.
std::map<std::string, int> audit_outcomes(const std::string& db) {
  auto audit = run_oneall({"audit", "--format", "jsonl", "--db", db});
  EXPECT_EQ(audit.exit_code, 0) << audit.err;
  std::map<std::string, int> outcomes;
  std::istringstream lines(audit.out);
  std::string line;
  simdjson::dom::parser parser;
  while (std::getline(lines, line)) {
    simdjson::dom::element row;
    if (parser.parse(line).get(row) != simdjson::SUCCESS) {
      ADD_FAILURE() << "audit line is not JSON: " << line;
      continue;
    }
    outcomes[std::string(row["outcome"].get_string().value())]++;
  }
  return outcomes;
}

std::size_t count_jobs_in(const std::string& db, const std::string& file) {
  auto validate = run_oneall({"validate", file, "--db", db});
  EXPECT_EQ(validate.exit_code, 0) << validate.err;
  std::size_t jobs = 0;
  EXPECT_EQ(
      std::sscanf(validate.out.c_str() + validate.out.find(": valid, "), ": valid, %zu", &jobs), 1)
      << validate.out;
  return jobs;
}

TEST(RunSandboxE2e, SampleYamlWithAllFiveTargetsSucceedsAndIsAudited) {
  TempDir dir;
  const std::string db = dir.file("queue.db");
  const std::size_t jobs = count_jobs_in(db, kCleanupYaml);
  ASSERT_GT(jobs, 5u);

  auto run = run_oneall({"run", "--sandbox", kCleanupYaml, "--db", db, "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find(fmt::format("{} new", jobs)), std::string::npos) << run.err;

  const QueueStates counts = queue_states(db);
  EXPECT_EQ(counts.total, static_cast<std::int64_t>(jobs));
  EXPECT_EQ(counts.succeeded, static_cast<std::int64_t>(jobs));
  EXPECT_EQ(audit_outcomes(db)["succeeded"], static_cast<int>(jobs));

  // Running the same file again queues nothing new and sends nothing.
  auto again = run_oneall({"run", "--sandbox", kCleanupYaml, "--db", db, "--json"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find(fmt::format("0 new, {} already queued", jobs)), std::string::npos)
      << again.err;
  EXPECT_NE(again.out.find("\"requests\":0"), std::string::npos) << again.out;
}

TEST(RunSandboxE2e, TwoThousandRowCsvSucceedsEntirely) {
  TempDir dir;
  const std::string db = dir.file("queue.db");
  std::ofstream csv(dir.file("repoint.csv"));
  csv << "op,target,identity,page_id,object_id,board,description,link,message\n";
  for (int i = 0; i < 2000; ++i) {
    if (i % 4 == 0) {
      csv << fmt::format("delete,twitter.tweet,,,{},,,,\n", 1000000 + i);
    } else if (i % 4 == 1) {
      csv << fmt::format("delete,facebook.page.post,,1234,1234_{},,,,\n", i);
    } else {
      csv << fmt::format("update,pinterest.pin,,,{},,\"Pin {}, moved\",https://new.example/p/{},\n",
                         352969689546000000LL + i, i, i);
    }
  }
  csv.close();

  auto run =
      run_oneall({"run", "--sandbox", dir.file("repoint.csv"), "--identity",
                  "2af20011-8965-471b-8f6b-8b66a611aae6", "--concurrency", "32", "--db", db});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const QueueStates counts = queue_states(db);
  EXPECT_EQ(counts.total, 2000);
  EXPECT_EQ(counts.succeeded, 2000);
  EXPECT_GE(audit_outcomes(db)["succeeded"], 2000);
}

TEST(RunSandboxE2e, InvalidFileQueuesAndSendsNothing) {
  TempDir dir;
  const std::string db = dir.file("queue.db");
  const std::string bad = dir.write("bad.yaml",
                                    "jobs:\n"
                                    "  - {op: delete, target: twitter.tweet, identity: "
                                    "2af20011-8965-471b-8f6b-8b66a611aae6, object_id: \"1\"}\n"
                                    "  - {op: delete, target: twitter.tweet, identity: "
                                    "2af20011-8965-471b-8f6b-8b66a611aae6, object_id: \"../2\"}\n");
  auto run = run_oneall({"run", "--sandbox", bad, "--db", db});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find(bad + ":3"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("object_id"), std::string::npos) << run.err;
  EXPECT_FALSE(std::filesystem::exists(db)) << "an invalid file creates no queue";
}

TEST(RunSandboxE2e, ImportTwiceQueuesOnce) {
  TempDir dir;
  const std::string db = dir.file("queue.db");
  auto first = run_oneall({"import", kCleanupYaml, "--db", db});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("batch 1:"), std::string::npos) << first.out;
  auto second = run_oneall({"import", kCleanupYaml, "--db", db});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.out.find("0 new,"), std::string::npos) << second.out;
  const QueueStates counts = queue_states(db);
  EXPECT_EQ(counts.pending, counts.total);
}

}  // namespace
}  // namespace oneall
