// Job file rules through the binary (docs/formats.md): one bad input per rule, each checked for
// exit 2, the file:line of the problem, the field it names, what it says, and a queue left as
// it was. Then the "all problems, capped" report, and idempotent import in file order.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "support/job_text.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace oneall {
namespace {

using testing::csv_row;
using testing::kCsvHead;
using testing::run_oneall;
using testing::TempDir;
using testing::yaml_job;

constexpr const char* kIdentity = testing::kTestIdentity;

struct BadInput {
  const char* rule;
  const char* file_name;  // its extension picks the reader
  std::string content;
  std::size_t line;
  std::size_t column;  // 0: the report names no column
  const char* field;   // "" for a problem of the row or the file's syntax
  const char* says;    // a part of the message
};

// Names the row in gtest's output instead of dumping its bytes.
void PrintTo(const BadInput& c, std::ostream* os) { *os << c.rule; }

std::vector<BadInput> bad_inputs() {
  const std::string id = kIdentity;
  return {
      {"unknown_op", "j.yaml", yaml_job("{op: remove, target: twitter.tweet, object_id: '1'}"), 4,
       10, "op", "unknown op \"remove\" (expected update or delete)"},
      {"unknown_target", "j.yaml", yaml_job("{op: delete, target: twitter.post, object_id: '1'}"),
       4, 26, "target", "unknown target \"twitter.post\""},
      {"update_of_delete_only_target", "j.yaml",
       yaml_job("{op: update, target: facebook.page.video, page_id: '1', object_id: '2', "
                "set: {message: hi}}"),
       4, 10, "op", "facebook.page.video can only be deleted"},
      {"identity_not_a_uuid", "j.yaml",
       "jobs:\n  - {op: delete, target: twitter.tweet, identity: 2af20011, object_id: '1'}\n", 2,
       51, "identity", "is not a UUID"},
      {"identity_missing", "j.yaml",
       "jobs:\n  - {op: delete, target: twitter.tweet, object_id: '1'}\n", 2, 5, "identity",
       "is missing (expected a UUID"},
      {"object_id_with_slash", "j.yaml",
       yaml_job("{op: delete, target: twitter.tweet, object_id: '1/../2'}"), 4, 52, "object_id",
       "holds '/'"},
      {"object_id_dotdot", "j.yaml",
       yaml_job("{op: delete, target: twitter.tweet, object_id: '..'}"), 4, 52, "object_id",
       "must not be '.' or '..'"},
      {"object_id_percent", "j.yaml",
       yaml_job("{op: delete, target: twitter.tweet, object_id: '1%2F2'}"), 4, 52, "object_id",
       "holds '%'"},
      {"object_id_question_mark", "j.yaml",
       yaml_job("{op: delete, target: twitter.tweet, object_id: '1?x=2'}"), 4, 52, "object_id",
       "holds '?'"},
      {"object_id_hash", "j.yaml",
       yaml_job("{op: delete, target: twitter.tweet, object_id: '1#2'}"), 4, 52, "object_id",
       "holds '#'"},
      {"object_id_space", "j.yaml",
       yaml_job("{op: delete, target: twitter.tweet, object_id: '1 2'}"), 4, 52, "object_id",
       "holds a space"},
      {"object_id_control_byte", "j.yaml",
       yaml_job("{op: delete, target: twitter.tweet, object_id: \"1\\t2\"}"), 4, 52, "object_id",
       "holds byte 0x09"},
      {"object_id_too_long", "j.yaml",
       yaml_job("{op: delete, target: twitter.tweet, object_id: '" + std::string(129, '7') + "'}"),
       4, 52, "object_id", "is 129 characters long (at most 128)"},
      {"page_id_missing_on_facebook", "j.yaml",
       yaml_job("{op: delete, target: facebook.page.picture, object_id: '2'}"), 4, 5, "page_id",
       "is missing (facebook.page.picture needs the id of the Facebook page)"},
      {"page_id_on_pinterest", "j.yaml",
       yaml_job("{op: delete, target: pinterest.pin, page_id: '1', object_id: '2'}"), 4, 50,
       "page_id", "is not a field of pinterest.pin"},
      {"set_field_of_another_target", "j.yaml",
       yaml_job("{op: update, target: facebook.page.post, page_id: '1', object_id: '2', "
                "set: {board: b}}"),
       4, 89, "set.board", "is not a field of facebook.page.post"},
      {"update_sets_nothing", "j.yaml",
       yaml_job("{op: update, target: pinterest.pin, object_id: '2'}"), 4, 5, "set",
       "an update must set at least one field"},
      {"set_on_delete", "j.yaml",
       yaml_job("{op: delete, target: pinterest.pin, object_id: '2', set: {board: b}}"), 4, 62,
       "set", "is not allowed on a delete"},
      {"link_not_absolute", "j.yaml",
       yaml_job("{op: update, target: pinterest.pin, object_id: '2', set: {link: www.x.com}}"), 4,
       69, "set.link", "must be an absolute http:// or https:// URL"},
      {"link_other_scheme", "j.yaml",
       yaml_job("{op: update, target: pinterest.pin, object_id: '2', set: {link: 'ftp://x/'}}"), 4,
       69, "set.link", "must be an absolute http:// or https:// URL"},
      {"attachments_with_link", "j.yaml",
       yaml_job("{op: update, target: facebook.page.post, page_id: '1', object_id: '2', "
                "set: {link: 'https://x/', attachments: [3]}}"),
       4, 115, "set.attachments", "is not allowed together with link"},
      {"text_empty", "j.yaml",
       yaml_job("{op: update, target: facebook.page.post, page_id: '1', object_id: '2', "
                "set: {message: ''}}"),
       4, 91, "set.message", "is empty"},
      {"board_too_long", "j.yaml",
       yaml_job("{op: update, target: pinterest.pin, object_id: '2', set: {board: " +
                std::string(257, 'b') + "}}"),
       4, 70, "set.board", "is 257 bytes long (expected at most 256)"},
      {"unknown_job_key", "j.yaml", yaml_job("{op: delete, target: twitter.tweet, objectid: '1'}"),
       4, 41, "objectid", "unknown key (expected one of op, target"},
      {"unknown_set_key", "j.yaml",
       yaml_job("{op: update, target: pinterest.pin, object_id: '2', set: {descripton: d}}"), 4, 63,
       "set.descripton", "unknown key"},
      {"unknown_top_level_key", "j.yaml", "job:\n  - {op: delete}\njobs: []\n", 1, 1, "job",
       "unknown key (expected defaults or jobs)"},
      {"yaml_syntax", "j.yaml", "jobs:\n  - {op: delete\n", 3, 1, "", "YAML syntax error"},
      {"csv_unknown_column", "j.csv", "op,target,identity,object_id,descriptoin\n", 1, 5,
       "descriptoin", "unknown column (expected op, target"},
      {"csv_repeated_column", "j.csv", "op,target,identity,object_id,link,link\n", 1, 6, "link",
       "duplicate column"},
      {"csv_required_column_missing", "j.csv", "op,identity,object_id\n", 1, 0, "target",
       "required column is missing"},
      {"csv_cell_count", "j.csv", csv_row("delete,twitter.tweet," + id + ",,1"), 2, 0, "",
       "the row has 5 cells but the header has 9"},
      {"csv_text_not_utf8", "j.csv", csv_row("update,pinterest.pin," + id + ",,2,,caf\xe9,,"), 2, 7,
       "description", "is not valid UTF-8 (byte 0xe9 at offset 3"},
      {"csv_unterminated_quote", "j.csv",
       kCsvHead + "delete,twitter.tweet," + id + ",,1,,,,\nupdate,pinterest.pin," + id +
           ",,2,,\"never\nclosed,,\n",
       3, 0, "", "unterminated quoted field"},
      {"csv_malformed_quote", "j.csv", csv_row("delete,twitter.tweet," + id + ",,1\"2,,,,"), 2, 0,
       "", "malformed quoted field"},
  };
}

// The number of jobs in the queue, as `status --json` reports it; 0 when there is no queue at
// all (an import that queues nothing creates none, and `status` refuses a missing queue).
int queued_jobs(const std::string& db) {
  if (!std::filesystem::exists(db)) return 0;
  const auto status = run_oneall({"status", "--json", "--db", db});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  const auto at = status.out.find("\"total\":");
  if (at == std::string::npos) return -1;
  return std::stoi(status.out.substr(at + 8));
}

class ImportRulesE2e : public ::testing::TestWithParam<BadInput> {};

TEST_P(ImportRulesE2e, ExitsTwoNamesLineAndFieldAndQueuesNothing) {
  const BadInput& c = GetParam();
  TempDir dir;
  const std::string db = dir.file("q.db");
  // One good job first: the bad import must leave the queue exactly as it was.
  const std::string good =
      dir.write("good.yaml", yaml_job("{op: delete, target: twitter.tweet, object_id: '999'}"));
  ASSERT_EQ(run_oneall({"import", good, "--db", db}).exit_code, 0);

  // The bad input sits after a valid job in the same invocation, and after a valid file.
  const std::string file = dir.write(c.file_name, c.content);
  const auto import = run_oneall(
      {"import", "--db", db,
       dir.write("also-good.yaml", yaml_job("{op: delete, target: twitter.tweet, object_id: '5'}")),
       file});
  EXPECT_EQ(import.exit_code, 2) << import.err;
  const std::string place = c.column == 0 ? fmt::format("{}:{}: ", file, c.line)
                                          : fmt::format("{}:{}:{}: ", file, c.line, c.column);
  const std::string expected = place + (*c.field ? std::string(c.field) + ": " : "") + c.says;
  EXPECT_NE(import.err.find(expected), std::string::npos)
      << "expected: " << expected << "\nstderr:\n"
      << import.err;
  EXPECT_NE(import.err.find("nothing was queued"), std::string::npos) << import.err;
  EXPECT_EQ(queued_jobs(db), 1);

  const auto validate = run_oneall({"validate", file});
  EXPECT_EQ(validate.exit_code, 2);
  EXPECT_NE(validate.err.find(expected), std::string::npos) << validate.err;
}

INSTANTIATE_TEST_SUITE_P(Rules, ImportRulesE2e, ::testing::ValuesIn(bad_inputs()),
                         [](const auto& info) { return std::string(info.param.rule); });

TEST(ImportReportE2e, ListsEveryProblemOneLineEachAndCapsTheRest) {
  TempDir dir;
  std::string csv = kCsvHead;
  for (int i = 0; i < 1200; ++i) csv += "delete,twitter.tweet,not-a-uuid,,1,,,,\n";
  const std::string file = dir.write("bad.csv", csv);
  const auto import = run_oneall({"import", file, "--db", dir.file("q.db")});
  EXPECT_EQ(import.exit_code, 2);
  EXPECT_NE(import.err.find(file + ":2:3: identity: is not a UUID"), std::string::npos);
  EXPECT_NE(import.err.find(file + ":1001:3: identity: is not a UUID"), std::string::npos);
  EXPECT_EQ(import.err.find(file + ":1002:3:"), std::string::npos);
  EXPECT_NE(import.err.find(file + ": ... and 200 more problems\n"), std::string::npos)
      << import.err.substr(import.err.size() - 300);
  EXPECT_EQ(queued_jobs(dir.file("q.db")), 0);
}

// Reads (object_id, source) of every job in id order straight from the database file.
std::vector<std::string> jobs_in_order(const std::string& db) {
  sqlite3* raw = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> handle(raw, &sqlite3_close);
  std::vector<std::string> rows;
  auto collect = [](void* out, int, char** values, char**) {
    static_cast<std::vector<std::string>*>(out)->push_back(std::string(values[0]) + " " +
                                                           values[1] + " " + values[2]);
    return 0;
  };
  EXPECT_EQ(sqlite3_exec(handle.get(), "SELECT object_id, op, source FROM jobs ORDER BY id",
                         collect, &rows, nullptr),
            SQLITE_OK);
  return rows;
}

TEST(ImportIdempotenceE2e, ReimportQueuesNothingAndSameObjectJobsKeepFileOrder) {
  TempDir dir;
  const std::string db = dir.file("q.db");
  const std::string file = dir.write(
      "jobs.yaml",
      fmt::format("defaults: {{identity: {}}}\n"
                  "jobs:\n"
                  "  - {{op: update, target: pinterest.pin, object_id: '7', set: {{board: b}}}}\n"
                  "  - {{op: delete, target: twitter.tweet, object_id: '1'}}\n"
                  "  - {{op: update, target: pinterest.pin, object_id: '7', set: {{board: a}}}}\n"
                  "  - {{op: delete, target: pinterest.pin, object_id: '7'}}\n",
                  kIdentity));
  const auto first = run_oneall({"import", file, "--db", db});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("4 new, 0 already queued"), std::string::npos) << first.out;

  const auto again = run_oneall({"import", file, "--db", db});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("0 new, 4 already queued"), std::string::npos) << again.out;
  EXPECT_EQ(queued_jobs(db), 4);

  const std::vector<std::string> expected = {"7 update " + file + ":3", "1 delete " + file + ":4",
                                             "7 update " + file + ":5", "7 delete " + file + ":6"};
  EXPECT_EQ(jobs_in_order(db), expected);
}

}  // namespace
}  // namespace oneall
