// `run --missing-ok` through the real binary against a sandbox started apart (issue 20,
// "deletes of what is already gone"): a delete of an object the sandbox does not have is
// answered 404 on its first attempt; with --missing-ok the job succeeds with note already_gone,
// without it the job fails; an update answered 404 fails either way; and the attempt row keeps
// the 404 in both cases.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "api/credentials.hpp"
#include "sandbox/sandbox_server.hpp"
#include "support/audit_log.hpp"
#include "support/job_text.hpp"
#include "support/process.hpp"
#include "support/queue_states.hpp"
#include "support/sandbox_fixture.hpp"
#include "support/temp_dir.hpp"

namespace oneall {
namespace {

using testing::run_oneall;

constexpr const char* kJobs =
    "defaults: {identity: 2af20011-8965-471b-8f6b-8b66a611aae6}\n"
    "jobs:\n"
    "  - {op: delete, target: twitter.tweet, object_id: deleted_by_hand}\n"
    "  - {op: update, target: pinterest.pin, object_id: pin_gone, set: {board: b}}\n"
    "  - {op: delete, target: twitter.tweet, object_id: \"7\"}\n";

std::map<std::string, std::string> sandbox_keys() {
  const auto credentials = api::sandbox_credentials();
  return {{"ONEALL_SUBDOMAIN", credentials.subdomain},
          {"ONEALL_PUBLIC_KEY", credentials.public_key},
          {"ONEALL_PRIVATE_KEY", credentials.private_key}};
}

class MissingOkE2e : public testing::SandboxFixture {
 protected:
  void SetUp() override {
    SandboxFixture::SetUp();
    sandbox::SandboxOptions options;
    options.missing_objects = {"deleted_by_hand", "pin_gone"};
    restart_sandbox(options);
  }

  // Runs the jobs on a queue of their own, one at a time so the attempt rows come in job order.
  std::vector<testing::AuditAttempt> run_jobs(const std::string& db, bool missing_ok,
                                              int exit_code) {
    const std::string file = dir_.write("jobs.yaml", kJobs);
    std::vector<std::string> args = {"run",      "--db",          db,  "--endpoint",
                                     base_url(), "--concurrency", "1", file};
    if (missing_ok) args.push_back("--missing-ok");
    auto run = run_oneall(args, sandbox_keys());
    EXPECT_EQ(run.exit_code, exit_code) << run.out << run.err;
    return testing::audit_attempts(db);
  }

  testing::TempDir dir_;
};

TEST_F(MissingOkE2e, AFirstAttemptDelete404IsAlreadyGoneWithTheFlag) {
  const std::string db = dir_.file("ok.db");
  const auto rows = run_jobs(db, true, 1);  // the update answered 404 still fails
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].job_id, 1);
  EXPECT_EQ(rows[0].attempt, 1) << "on its first attempt";
  EXPECT_EQ(rows[0].method, "DELETE");
  EXPECT_EQ(rows[0].http_status, 404) << "the audit row keeps the 404";
  EXPECT_EQ(rows[0].outcome, "succeeded");
  EXPECT_EQ(rows[0].note, "already_gone");
  EXPECT_EQ(rows[1].http_status, 404);
  EXPECT_EQ(rows[1].outcome, "failed") << "an update answered 404 is unchanged";
  EXPECT_EQ(rows[1].note, "http_404");
  EXPECT_EQ(rows[2].outcome, "succeeded");
  EXPECT_EQ(rows[2].note, "");

  auto report = run_oneall({"report", "--format", "jsonl", "--job", "1", "--db", db});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  EXPECT_NE(report.out.find(R"("state":"succeeded","attempts":1,"last_http_status":404,)"
                            R"("last_outcome":"succeeded","note":"already_gone")"),
            std::string::npos)
      << report.out;
  EXPECT_EQ(stats().requests, 3u) << "each job sent once";
}

TEST_F(MissingOkE2e, WithoutTheFlagTheFirstAttempt404Fails) {
  const std::string db = dir_.file("strict.db");
  const auto rows = run_jobs(db, false, 1);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].attempt, 1);
  EXPECT_EQ(rows[0].http_status, 404);
  EXPECT_EQ(rows[0].outcome, "failed");
  EXPECT_EQ(rows[0].note, "http_404");
  const auto states = testing::queue_states(db);
  EXPECT_EQ(states.failed, 2);
  EXPECT_EQ(states.succeeded, 1);
}

}  // namespace
}  // namespace oneall
