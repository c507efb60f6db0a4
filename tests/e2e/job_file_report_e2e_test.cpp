// `report --format jobfile` through the real binary (issue 20, "failures back into a job file"):
// a file covering all five targets and every settable field, awkward text included, reported
// as a job file that `validate` takes as it is; imported into a fresh queue it queues the same
// jobs (same keys, same requests), and into the original queue only duplicates. Then the use
// the feature is for: the failed jobs of a run against the sandbox, written out with
// --state failed,dead, fixed and imported again, and sent.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "api/credentials.hpp"
#include "sandbox/sandbox_server.hpp"
#include "support/job_text.hpp"
#include "support/process.hpp"
#include "support/queue_states.hpp"
#include "support/sandbox_fixture.hpp"
#include "support/temp_dir.hpp"

namespace oneall {
namespace {

using testing::run_oneall;

// Every target, delete and (where allowed) update, and every settable field: board,
// description, link and message with commas, quotes, line breaks, spaces at the ends, non-ASCII
// and a formula-like start; attachments with the largest picture id.
constexpr const char* kEveryField = R"(defaults: {identity: 2af20011-8965-471b-8f6b-8b66a611aae6}
jobs:
  - {op: delete, target: facebook.page.post, page_id: "1234", object_id: "1234_5678"}
  - {op: delete, target: facebook.page.picture, page_id: "1234", object_id: "pic.1"}
  - {op: delete, target: facebook.page.video, page_id: "1234", object_id: "vid-1"}
  - {op: delete, target: pinterest.pin, object_id: "352969689546669253"}
  - {op: delete, target: twitter.tweet, object_id: "1456789", identity: 7c9e6679-7425-40de-944b-e07fc1f90ae7}
  - op: update
    target: pinterest.pin
    object_id: "352969689546669254"
    set: {board: "photos, 2026", description: "Photo of the \"stadium\"\nsecond line", link: "https://www.fcbarcelona.com/?a=1,2"}
  - {op: update, target: pinterest.pin, object_id: "9", set: {board: " padded "}}
  - {op: update, target: facebook.page.post, page_id: "1234", object_id: "1234_1", set: {message: "=SUM(A1) héllo ✓", link: "http://example.com/x"}}
  - {op: update, target: facebook.page.post, page_id: "1234", object_id: "1234_2", set: {message: "two\r\nlines", attachments: [101, 9223372036854775807]}}
  - {op: update, target: facebook.page.post, page_id: "1234", object_id: "1234_3", set: {attachments: [7]}}
)";

std::map<std::string, std::string> sandbox_keys() {
  const auto credentials = api::sandbox_credentials();
  return {{"ONEALL_SUBDOMAIN", credentials.subdomain},
          {"ONEALL_PUBLIC_KEY", credentials.public_key},
          {"ONEALL_PRIVATE_KEY", credentials.private_key}};
}

// Each job's key (hex), op, target, ids, method, path and body, in id order, straight from the
// queue file.
std::vector<std::string> jobs_of(const std::string& db) {
  sqlite3* raw = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> handle(raw, &sqlite3_close);
  std::vector<std::string> rows;
  auto collect = [](void* out, int columns, char** values, char**) {
    std::string row;
    for (int i = 0; i < columns; ++i) row += std::string(values[i] ? values[i] : "NULL") + " | ";
    static_cast<std::vector<std::string>*>(out)->push_back(row);
    return 0;
  };
  EXPECT_EQ(sqlite3_exec(handle.get(),
                         "SELECT hex(job_key), op, target, identity, page_id, object_id, method, "
                         "path, body FROM jobs ORDER BY id",
                         collect, &rows, nullptr),
            SQLITE_OK);
  return rows;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class JobFileReportE2e : public testing::SandboxFixture {
 protected:
  testing::TempDir dir_;
};

TEST_F(JobFileReportE2e, RoundTripsEveryTargetAndFieldThroughImport) {
  const std::string original = dir_.file("original.db");
  const std::string jobs = dir_.write("jobs.yaml", kEveryField);
  ASSERT_EQ(run_oneall({"import", jobs, "--db", original}).exit_code, 0);

  const std::string file = dir_.file("jobs.csv");
  auto report = run_oneall({"report", "--format", "jobfile", "--out", file, "--db", original});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  const std::string text = read_text(file);
  EXPECT_EQ(text.substr(0, text.find('\n')),
            "op,target,identity,page_id,object_id,board,description,link,message,attachments,"
            "not_before,expires_at");
  EXPECT_NE(text.find(",\"photos, 2026\",\"Photo of the \"\"stadium\"\"\nsecond line\","),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(",=SUM(A1) héllo ✓,"), std::string::npos) << "written as it is: " << text;

  auto validate = run_oneall({"validate", file});
  ASSERT_EQ(validate.exit_code, 0) << validate.out << validate.err;
  EXPECT_NE(validate.out.find("valid, 10 jobs"), std::string::npos) << validate.out;

  const std::string fresh = dir_.file("fresh.db");
  auto imported = run_oneall({"import", file, "--db", fresh});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  const std::vector<std::string> before = jobs_of(original);
  ASSERT_EQ(before.size(), 10u);
  EXPECT_EQ(jobs_of(fresh), before) << "the same jobs: same keys, same requests";

  auto again = run_oneall({"import", file, "--db", original, "--json"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find(R"("new":0,"already_queued":10)"), std::string::npos) << again.out;
  EXPECT_EQ(jobs_of(original), before);
}

TEST_F(JobFileReportE2e, FailedJobsGoOutAsAFileThatIsFixedAndImportedAgain) {
  sandbox::SandboxOptions missing;
  missing.missing_objects = {"gone_1", "gone_2"};
  restart_sandbox(missing);
  const std::string db = dir_.file("q.db");
  const std::string jobs = dir_.write(
      "jobs.yaml", fmt::format("defaults: {{identity: {}}}\njobs:\n"
                               "  - {{op: delete, target: twitter.tweet, object_id: \"1\"}}\n"
                               "  - {{op: update, target: pinterest.pin, object_id: gone_1, set: "
                               "{{board: \"b, 1\"}}}}\n"
                               "  - {{op: delete, target: twitter.tweet, object_id: \"2\"}}\n"
                               "  - {{op: update, target: facebook.page.post, page_id: \"9\", "
                               "object_id: gone_2, set: {{message: \"hello, \\\"you\\\"\"}}}}\n",
                               testing::kTestIdentity));
  auto run = run_oneall({"run", "--db", db, "--endpoint", base_url(), jobs}, sandbox_keys());
  ASSERT_EQ(run.exit_code, 1) << run.err;

  const std::string failed = dir_.file("failed.csv");
  auto report = run_oneall(
      {"report", "--format", "jobfile", "--state", "failed,dead", "--out", failed, "--db", db});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  const std::string text = read_text(failed);
  EXPECT_EQ(text,
            "op,target,identity,page_id,object_id,board,description,link,message,attachments,"
            "not_before,expires_at\n"
            "update,pinterest.pin,2af20011-8965-471b-8f6b-8b66a611aae6,,gone_1,\"b, 1\",,,,,,\n"
            "update,facebook.page.post,2af20011-8965-471b-8f6b-8b66a611aae6,9,gone_2,,,,"
            "\"hello, \"\"you\"\"\",,,\n");

  // As they are, they are the failed jobs again: nothing new.
  auto same = run_oneall({"import", failed, "--db", db});
  EXPECT_EQ(same.exit_code, 0) << same.err;
  EXPECT_NE(same.out.find("0 new, 2 already queued (2 failed)"), std::string::npos) << same.out;

  // Fixed (the right object ids), they are new jobs, and the run sends them.
  std::string fixed = text;
  for (const char* gone : {"gone_1", "gone_2"}) {
    fixed.replace(fixed.find(gone), std::string(gone).size(), std::string("ok") + (gone + 4));
  }
  const std::string fixed_file = dir_.write("fixed.csv", fixed);
  auto rerun =
      run_oneall({"run", "--db", db, "--endpoint", base_url(), fixed_file}, sandbox_keys());
  EXPECT_EQ(rerun.exit_code, 1) << "the two old failures stay failed: " << rerun.err;
  const auto states = testing::queue_states(db);
  EXPECT_EQ(states.succeeded, 4);
  EXPECT_EQ(states.failed, 2);
}

TEST_F(JobFileReportE2e, AJobWhoseStoredRequestIsNotItsOwnIsRefusedAndNoFileIsLeft) {
  const std::string db = dir_.file("q.db");
  const std::string jobs = dir_.write("jobs.yaml", kEveryField);
  ASSERT_EQ(run_oneall({"import", jobs, "--db", db}).exit_code, 0);
  // A body edited around oneall-bulk: no job file row gives it.
  ASSERT_EQ(
      std::system(("sqlite3 '" + db +
                   "' \"UPDATE jobs SET body = replace(body, 'board', 'colour') WHERE id = 6\"")
                      .c_str()),
      0);
  const std::string file = dir_.file("out.csv");
  auto report = run_oneall({"report", "--format", "jobfile", "--out", file, "--db", db});
  EXPECT_EQ(report.exit_code, 5) << report.err;
  EXPECT_NE(report.err.find("jobs.yaml:8) cannot be written as a job file row: its body sets "
                            "'colour', which no job file field gives"),
            std::string::npos)
      << report.err;
  EXPECT_NE(report.err.find("job 6 ("), std::string::npos) << report.err;
  EXPECT_FALSE(std::ifstream(file).good()) << "a partial file was left";
}

}  // namespace
}  // namespace oneall
