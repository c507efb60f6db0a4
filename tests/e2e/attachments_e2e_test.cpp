// Issue 19 through the real binary: a post's `attachments` written as YAML numbers, quoted text
// and CSV cells, ids past 2^53 included, go out as JSON integers with the digits written and
// succeed against the sandbox; the job of the issue, with `0202`, is refused by validate,
// import and run at file:line:column, and nothing is queued or sent.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <set>
#include <sstream>
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

const std::string kCsvHeadWithAttachments =
    "op,target,identity,page_id,object_id,board,description,link,message,attachments\n";

// The job of the issue, with the attachments given (line 8 holds `set`).
std::string issue_yaml(const std::string& attachments) {
  return std::string("defaults:\n  identity: ") + testing::kTestIdentity +
         "\n"
         "jobs:\n"
         "  - op: update\n"
         "    target: facebook.page.post\n"
         "    page_id: \"77\"\n"
         "    object_id: 77_88\n"
         "    set: {message: \"Two lines\", attachments: " +
         attachments +
         "}\n"
         "  - op: update\n"
         "    target: facebook.page.post\n"
         "    page_id: \"77\"\n"
         "    object_id: 77_89\n"
         "    set:\n"
         "      message: |\n"
         "        Two\n"
         "        lines\n"
         "      attachments:\n"
         "        - 9007199254740993\n"
         "        - \"9223372036854775807\"\n";
}

// The request bodies of every attempt, from `audit --format jsonl`.
std::multiset<std::string> request_bodies(const std::string& db) {
  auto audit = run_oneall({"audit", "--format", "jsonl", "--db", db});
  EXPECT_EQ(audit.exit_code, 0) << audit.err;
  std::multiset<std::string> bodies;
  std::istringstream lines(audit.out);
  std::string line;
  simdjson::dom::parser parser;
  while (std::getline(lines, line)) {
    simdjson::dom::element row;
    if (parser.parse(line).get(row) != simdjson::SUCCESS) {
      ADD_FAILURE() << "audit line is not JSON: " << line;
      continue;
    }
    bodies.insert(std::string(row["request_body"].get_string().value()));
  }
  return bodies;
}

TEST(AttachmentsE2e, NumbersAndQuotedIdsGoOutAsTheirDigitsAndSucceed) {
  TempDir dir;
  const std::string db = dir.file("queue.db");
  const std::string yaml = dir.write("post.yaml", issue_yaml("[101, \"202\"]"));
  const std::string csv =
      dir.write("post.csv", kCsvHeadWithAttachments + "update,facebook.page.post," +
                                testing::kTestIdentity + ",77,77_90,,,,Two lines,101  202\t303\n");

  auto run = run_oneall({"run", "--sandbox", yaml, csv, "--db", db});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const testing::QueueStates states = queue_states(db);
  EXPECT_EQ(states.total, 3);
  EXPECT_EQ(states.succeeded, 3);

  const std::multiset<std::string> expected = {
      R"({"request":{"update":{"post":{"message":"Two lines","attachments":[101,202]}}}})",
      R"({"request":{"update":{"post":{"message":"Two\nlines\n","attachments":[9007199254740993,9223372036854775807]}}}})",
      R"({"request":{"update":{"post":{"message":"Two lines","attachments":[101,202,303]}}}})",
  };
  EXPECT_EQ(request_bodies(db), expected);
}

TEST(AttachmentsE2e, ZeroLedIdIsRefusedAtItsPlaceAndNothingIsQueuedOrSent) {
  TempDir dir;
  const std::string db = dir.file("queue.db");
  const std::string bad = dir.write("post.yaml", issue_yaml("[101, 0202]"));
  const std::string where = bad + ":8:52: set.attachments[1]: picture id '0202' starts with 0";

  auto validate = run_oneall({"validate", bad});
  EXPECT_EQ(validate.exit_code, 2) << validate.out << validate.err;
  EXPECT_NE(validate.err.find(where), std::string::npos) << validate.err;
  EXPECT_NE(validate.err.find("expected a picture id"), std::string::npos) << validate.err;

  // A queue that holds one job already: a refused import or run must leave it as it was.
  const std::string good = dir.write(
      "one.yaml", testing::yaml_job("{op: delete, target: twitter.tweet, object_id: '1'}"));
  ASSERT_EQ(run_oneall({"import", good, "--db", db}).exit_code, 0);

  auto import = run_oneall({"import", bad, "--db", db});
  EXPECT_EQ(import.exit_code, 2) << import.err;
  EXPECT_NE(import.err.find(where), std::string::npos) << import.err;

  auto run = run_oneall({"run", "--sandbox", bad, "--db", db});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find(where), std::string::npos) << run.err;

  const testing::QueueStates states = queue_states(db);
  EXPECT_EQ(states.total, 1);
  EXPECT_EQ(states.pending, 1);  // the earlier job, never sent: run stopped at validation
  EXPECT_TRUE(request_bodies(db).empty());
}

TEST(AttachmentsE2e, CsvCellWithAZeroLedIdIsRefusedAtItsCell) {
  TempDir dir;
  const std::string csv =
      dir.write("post.csv", kCsvHeadWithAttachments + "update,facebook.page.post," +
                                testing::kTestIdentity + ",77,77_88,,,,Two lines,101 0202\n");
  auto validate = run_oneall({"validate", csv});
  EXPECT_EQ(validate.exit_code, 2) << validate.err;
  EXPECT_NE(validate.err.find(csv + ":2:10: attachments: picture id '0202' starts with 0"),
            std::string::npos)
      << validate.err;
}

}  // namespace
}  // namespace oneall
