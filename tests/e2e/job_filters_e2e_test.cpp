// `retry` and `cancel` by what went wrong, through the real binary against a sandbox started
// apart (issue 20): jobs that ended on 5xx, on 404 and on 200, on two targets and two
// identities; `retry --http-status 5xx` moves those jobs only and the next run sends those only;
// filters combine; --dry-run counts and changes nothing; bad values are exit 2 saying what is
// accepted.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <map>
#include <string>

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

constexpr const char* kOtherIdentity = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

std::map<std::string, std::string> sandbox_keys() {
  const auto credentials = api::sandbox_credentials();
  return {{"ONEALL_SUBDOMAIN", credentials.subdomain},
          {"ONEALL_PUBLIC_KEY", credentials.public_key},
          {"ONEALL_PRIVATE_KEY", credentials.private_key}};
}

std::string jobs_yaml(const std::string& jobs) {
  return fmt::format("defaults: {{identity: {}}}\njobs:\n{}", testing::kTestIdentity, jobs);
}

simdjson::dom::element parse(simdjson::dom::parser& parser, const std::string& text) {
  simdjson::dom::element doc;
  EXPECT_EQ(parser.parse(text).get(doc), simdjson::SUCCESS) << text;
  return doc;
}

// Batch 1: three deletes the sandbox answers 500/503 (dead: one attempt each). Batch 2: a tweet
// of each identity that is not there (404, failed). Batch 3: a pin deleted (200, succeeded).
class JobFiltersE2e : public testing::SandboxFixture {
 protected:
  void SetUp() override {
    SandboxFixture::SetUp();
    sandbox::SandboxOptions failing;
    failing.error_rate = 1;
    failing.seed = 20;
    failing.port = port();  // the queue is bound to its API root: the same address throughout
    restart_sandbox(failing);
    run_file("errors.yaml",
             "  - {op: delete, target: twitter.tweet, object_id: \"1\"}\n"
             "  - {op: delete, target: twitter.tweet, object_id: \"2\"}\n"
             "  - {op: delete, target: pinterest.pin, object_id: \"3\"}\n",
             1);
    sandbox::SandboxOptions missing;
    missing.missing_objects = {"m1", "m2"};
    missing.port = port();
    restart_sandbox(missing);
    run_file("missing.yaml",
             fmt::format("  - {{op: delete, target: twitter.tweet, object_id: m1}}\n"
                         "  - {{op: delete, target: twitter.tweet, object_id: m2, identity: {}}}\n",
                         kOtherIdentity),
             1);
    // Exit 1 still: the queue holds the failures above.
    run_file("fine.yaml", "  - {op: delete, target: pinterest.pin, object_id: \"4\"}\n", 1);
  }

  void run_file(const std::string& name, const std::string& jobs, int exit_code) {
    const std::string file = dir_.write(name, jobs_yaml(jobs));
    auto run = run_oneall({"run", "--db", db_, "--endpoint", base_url(), "--max-attempts", "1",
                           "--concurrency", "1", file},
                          sandbox_keys());
    ASSERT_EQ(run.exit_code, exit_code) << run.out << run.err;
  }

  std::string report() {
    auto report = run_oneall({"report", "--format", "jsonl", "--db", db_});
    EXPECT_EQ(report.exit_code, 0) << report.err;
    return report.out;
  }

  // Job id -> state, from `report --format jsonl`.
  std::map<std::int64_t, std::string> states() {
    std::map<std::int64_t, std::string> by_id;
    simdjson::dom::parser parser;
    std::string lines = report();
    std::size_t start = 0;
    while (start < lines.size()) {
      const std::size_t end = lines.find('\n', start);
      const std::string line = lines.substr(start, end - start);
      simdjson::dom::element row = parse(parser, line);
      by_id[row["id"].get_int64().value()] = std::string(row["state"].get_string().value());
      start = end + 1;
    }
    return by_id;
  }

  testing::TempDir dir_;
  const std::string db_ = dir_.file("q.db");
};

using States = std::map<std::int64_t, std::string>;

TEST_F(JobFiltersE2e, RetryByHttpStatus5xxMovesOnlyThoseJobsAndTheNextRunSendsOnlyThose) {
  ASSERT_EQ(
      states(),
      (States{
          {1, "dead"}, {2, "dead"}, {3, "dead"}, {4, "failed"}, {5, "failed"}, {6, "succeeded"}}));
  auto retry = run_oneall({"retry", "--http-status", "5xx", "--db", db_, "--json"});
  ASSERT_EQ(retry.exit_code, 0) << retry.err;
  simdjson::dom::parser parser;
  EXPECT_EQ(parse(parser, retry.out)["retried"].get_int64().value(), 3) << retry.out;
  EXPECT_EQ(states(), (States{{1, "pending"},
                              {2, "pending"},
                              {3, "pending"},
                              {4, "failed"},
                              {5, "failed"},
                              {6, "succeeded"}}));

  sandbox::SandboxOptions fine;
  fine.port = port();
  restart_sandbox(fine);  // fresh counters
  auto run = run_oneall({"run", "--db", db_, "--endpoint", base_url()}, sandbox_keys());
  EXPECT_EQ(run.exit_code, 1) << "the 404s are still failed: " << run.err;
  EXPECT_EQ(stats().requests, 3u) << "only the three retried jobs were sent";
  EXPECT_EQ(states(), (States{{1, "succeeded"},
                              {2, "succeeded"},
                              {3, "succeeded"},
                              {4, "failed"},
                              {5, "failed"},
                              {6, "succeeded"}}));
}

TEST_F(JobFiltersE2e, FiltersCombineEveryOneGivenMustMatch) {
  // The 4xx failures of the other identity: job 5 alone.
  auto retry = run_oneall({"retry", "--state", "failed,dead", "--http-status", "4xx", "--target",
                           "twitter.tweet", "--identity", kOtherIdentity, "--db", db_});
  ASSERT_EQ(retry.exit_code, 0) << retry.err;
  EXPECT_NE(retry.out.find("1 job(s) moved back to pending"), std::string::npos) << retry.out;
  EXPECT_EQ(
      states(),
      (States{
          {1, "dead"}, {2, "dead"}, {3, "dead"}, {4, "failed"}, {5, "pending"}, {6, "succeeded"}}));

  // Dead tweets of batch 1 answered 500 or 503: 1 and 2, not the pin.
  auto tweets = run_oneall({"retry", "--batch", "1", "--target", "twitter.tweet", "--state", "dead",
                            "--http-status", "5xx", "--db", db_});
  ASSERT_EQ(tweets.exit_code, 0) << tweets.err;
  EXPECT_NE(tweets.out.find("2 job(s) moved back to pending"), std::string::npos) << tweets.out;

  // cancel takes the same filters: the pending tweets of identity A (1 and 2), not job 5.
  auto cancel = run_oneall(
      {"cancel", "--target", "twitter.tweet", "--identity", testing::kTestIdentity, "--db", db_});
  ASSERT_EQ(cancel.exit_code, 0) << cancel.err;
  EXPECT_NE(cancel.out.find("2 pending job(s) cancelled"), std::string::npos) << cancel.out;
  EXPECT_EQ(states(), (States{{1, "cancelled"},
                              {2, "cancelled"},
                              {3, "dead"},
                              {4, "failed"},
                              {5, "pending"},
                              {6, "succeeded"}}));

  // report takes them too.
  auto report = run_oneall(
      {"report", "--format", "csv", "--state", "failed,dead", "--http-status", "5xx", "--db", db_});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  EXPECT_EQ(std::count(report.out.begin(), report.out.end(), '\n'), 2) << report.out;  // + header
  EXPECT_NE(report.out.find("\n3,1,"), std::string::npos) << report.out;
}

TEST_F(JobFiltersE2e, DryRunCountsByStateAndChangesNothing) {
  const std::string before = report();
  auto status_before = run_oneall({"status", "--json", "--db", db_});
  auto dry = run_oneall({"retry", "--http-status", "5xx", "--dry-run", "--db", db_});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("retry --dry-run: the filter selects 3 job(s): 3 dead"), std::string::npos)
      << dry.out;
  EXPECT_NE(dry.out.find("3 job(s) would move back to pending; nothing was changed"),
            std::string::npos)
      << dry.out;

  // Selected but not moved: a retry takes failed and dead jobs, not the succeeded one.
  auto wide =
      run_oneall({"retry", "--target", "pinterest.pin", "--dry-run", "--json", "--db", db_});
  ASSERT_EQ(wide.exit_code, 0) << wide.err;
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parse(parser, wide.out);
  EXPECT_TRUE(doc["dry_run"].get_bool().value());
  EXPECT_EQ(doc["selected"].get_int64().value(), 2) << wide.out;
  EXPECT_EQ(doc["by_state"]["dead"].get_int64().value(), 1) << wide.out;
  EXPECT_EQ(doc["by_state"]["succeeded"].get_int64().value(), 1) << wide.out;
  EXPECT_EQ(doc["would_retry"].get_int64().value(), 1) << wide.out;

  auto cancel = run_oneall({"cancel", "--all", "--dry-run", "--json", "--db", db_});
  ASSERT_EQ(cancel.exit_code, 0) << cancel.err;
  EXPECT_EQ(parse(parser, cancel.out)["would_cancel"].get_int64().value(), 0) << cancel.out;

  EXPECT_EQ(report(), before) << "a dry run changed a job";
  auto status_after = run_oneall({"status", "--json", "--db", db_});
  EXPECT_EQ(status_after.out, status_before.out);
}

TEST_F(JobFiltersE2e, BadValuesAreUsageErrorsSayingWhatIsAccepted) {
  const std::string before = report();
  const struct {
    std::vector<std::string> args;
    const char* says;
  } cases[] = {
      {{"retry", "--http-status", "5x"}, "expected a code from 100 to 599 such as 404, or a class"},
      {{"retry", "--state", "failed,pending"}, "'pending' is not a state this command acts on"},
      {{"cancel", "--state", "failed"}, "(expected pending)"},
      {{"cancel", "--target", "myspace.post"}, "expected one of facebook.page.post"},
      {{"retry", "--identity", "abc"}, "not a UUID"},
      {{"report", "--state", "failed;dead"}, "is not a job state"},
      {{"retry", "--batch", "99", "--http-status", "5xx"}, "batch 99 is not in"},
      {{"cancel", "--dry-run"}, "or say --all"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = c.args;
    args.insert(args.end(), {"--db", db_});
    auto result = run_oneall(args);
    EXPECT_EQ(result.exit_code, 2) << c.args[1] << ": " << result.out << result.err;
    EXPECT_NE(result.err.find(c.says), std::string::npos) << result.err;
  }
  EXPECT_EQ(report(), before);
}

}  // namespace
}  // namespace oneall
