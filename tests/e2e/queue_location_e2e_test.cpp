// Which queue a command uses, through the real binary: only `import` and `run` create one
// (a mistyped --db given to any other command is exit 2 naming the path, and no file appears);
// every command names the queue in its first line and its JSON; a rehearsal on the built-in
// sandbox keeps a queue of its own, so the real run in the same folder sends every job; and a
// queue shared on purpose between a rehearsal and a real run is refused (exit 2), nothing sent.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "api/credentials.hpp"
#include "sandbox/sandbox_server.hpp"
#include "support/process.hpp"
#include "support/queue_states.hpp"
#include "support/sandbox_fixture.hpp"
#include "support/temp_dir.hpp"

namespace oneall {
namespace {

using testing::run_oneall;
using testing::run_oneall_in;

constexpr const char* kJobs =
    "defaults: {identity: 2af20011-8965-471b-8f6b-8b66a611aae6}\n"
    "jobs:\n"
    "  - {op: delete, target: twitter.tweet, object_id: \"1\"}\n"
    "  - {op: delete, target: twitter.tweet, object_id: \"2\"}\n"
    "  - {op: delete, target: twitter.tweet, object_id: \"3\"}\n";

// The sandbox started apart stands in for the real API: it takes the sandbox's keys.
std::map<std::string, std::string> real_api_env() {
  const auto credentials = api::sandbox_credentials();
  return {{"ONEALL_SUBDOMAIN", credentials.subdomain},
          {"ONEALL_PUBLIC_KEY", credentials.public_key},
          {"ONEALL_PRIVATE_KEY", credentials.private_key}};
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

struct ReadCommand {
  std::string name;  // for the test's name
  std::vector<std::string> args;
};

class MissingQueue : public ::testing::TestWithParam<ReadCommand> {};

TEST_P(MissingQueue, IsAnErrorNamingThePathAndCreatesNothing) {
  testing::TempDir dir;
  const std::string typo = dir.file("typo.db");
  std::vector<std::string> args = GetParam().args;
  args.insert(args.end(), {"--db", typo});
  auto result = run_oneall(args);
  EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
  EXPECT_NE(result.err.find("there is no queue at " + typo + " (--db)"), std::string::npos)
      << result.err;
  EXPECT_FALSE(std::filesystem::exists(typo)) << "a read command created the queue";
  EXPECT_EQ(result.out.find("intact"), std::string::npos) << result.out;
}

INSTANTIATE_TEST_SUITE_P(
    EveryCommandThatMustNotCreate, MissingQueue,
    ::testing::Values(ReadCommand{"status", {"status"}},
                      ReadCommand{"status_json", {"status", "--json"}},
                      ReadCommand{"report", {"report"}}, ReadCommand{"audit", {"audit"}},
                      ReadCommand{"audit_verify", {"audit", "verify"}},
                      ReadCommand{"retry", {"retry"}}, ReadCommand{"cancel", {"cancel", "--all"}},
                      ReadCommand{"dry_run", {"run", "--dry-run"}}),
    [](const ::testing::TestParamInfo<ReadCommand>& info) { return info.param.name; });

TEST(MissingQueue, WithoutDbTheMessageNamesTheDefaultAndWhereRehearsalsAre) {
  testing::TempDir dir;
  auto result = run_oneall_in(dir.path().string(), {"audit", "verify"});
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find("there is no queue at oneall-bulk.db (the default)"), std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("oneall-bulk-sandbox.db"), std::string::npos) << result.err;
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(QueueLocation, EveryCommandNamesItsQueueFirstAndInItsJson) {
  testing::TempDir dir;
  const std::string db = dir.file("proj.db");
  const std::string jobs = dir.write("jobs.yaml", kJobs);
  const std::string line = "queue: " + db + " (--db";

  auto imported = run_oneall({"import", "--db", db, jobs});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_EQ(first_line(imported.out), line + ", created now)");
  auto again = run_oneall({"import", "--db", db, jobs, "--json"});
  EXPECT_EQ(again.out.rfind("{\"queue\":\"" + db + "\",", 0), 0u) << again.out;

  auto status = run_oneall({"status", "--db", db});
  EXPECT_EQ(first_line(status.out), line + ")");
  EXPECT_NE(status.out.find("api root: none yet"), std::string::npos) << status.out;
  auto status_json = run_oneall({"status", "--db", db, "--json"});
  EXPECT_EQ(status_json.out.rfind("{\"queue\":\"" + db + "\",", 0), 0u) << status_json.out;

  auto run = run_oneall({"run", "--sandbox", "--db", db});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(first_line(run.err), line + ")");
  auto run_json = run_oneall({"run", "--sandbox", "--db", db, "--json", "--quiet"});
  EXPECT_EQ(run_json.out.rfind("{\"queue\":\"" + db + "\",", 0), 0u) << run_json.out;
  EXPECT_EQ(run_json.err, "") << "--quiet on exit 0 prints nothing";

  for (const std::vector<std::string>& args : {std::vector<std::string>{"report"},
                                               {"audit"},
                                               {"retry"},
                                               {"cancel", "--all"},
                                               {"audit", "verify"}}) {
    std::vector<std::string> with_db = args;
    with_db.insert(with_db.end(), {"--db", db});
    auto result = run_oneall(with_db);
    EXPECT_EQ(result.exit_code, 0) << args[0] << ": " << result.err;
    // report and audit print rows on stdout, so they name the queue on stderr.
    const bool rows_on_stdout = args[0] == "report" || (args[0] == "audit" && args.size() == 1);
    const std::string& human = rows_on_stdout ? result.err : result.out;
    EXPECT_EQ(first_line(human), line + ")") << args[0] << ": " << human;
  }
}

TEST(QueueLocation, ARunThatCreatesAnEmptyQueueSaysSo) {
  testing::TempDir dir;
  const std::string jobs = dir.write("jobs.yaml", kJobs);
  ASSERT_EQ(run_oneall({"import", "--db", dir.file("proj.db"), jobs}).exit_code, 0);
  // The usual slip: the jobs went into proj.db, the run names no --db.
  auto run = run_oneall_in(dir.path().string(), {"run", "--sandbox"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("did not exist and was created just now, empty"), std::string::npos)
      << run.err;
}

class RehearseThenGoLive : public testing::SandboxFixture {};

TEST_F(RehearseThenGoLive, TheRealRunInTheSameFolderSendsEveryJob) {
  testing::TempDir dir;
  const std::string folder = dir.path().string();
  const std::string jobs = dir.write("cleanup.yaml", kJobs);

  auto rehearsal = run_oneall_in(folder, {"run", "--sandbox", jobs});
  ASSERT_EQ(rehearsal.exit_code, 0) << rehearsal.err;
  EXPECT_EQ(first_line(rehearsal.err),
            "queue: oneall-bulk-sandbox.db (the default of run --sandbox, created now)");
  EXPECT_EQ(stats().requests, 0u) << "the rehearsal used its own in-process sandbox";

  auto live = run_oneall_in(folder, {"run", "--endpoint", base_url(), jobs}, real_api_env());
  EXPECT_EQ(live.exit_code, 0) << live.err;
  EXPECT_NE(live.err.find("3 new, 0 already queued"), std::string::npos) << live.err;
  EXPECT_EQ(stats().applied, 3u) << "every job reached the real API";
  EXPECT_EQ(testing::queue_states(dir.file("oneall-bulk.db")).succeeded, 3);
  EXPECT_EQ(testing::queue_states(dir.file("oneall-bulk-sandbox.db")).succeeded, 3);
}

TEST_F(RehearseThenGoLive, AQueueSharedOnPurposeIsRefusedAndNothingIsSent) {
  testing::TempDir dir;
  const std::string db = dir.file("shared.db");
  const std::string jobs = dir.write("cleanup.yaml", kJobs);
  ASSERT_EQ(run_oneall({"run", "--sandbox", "--db", db, jobs}).exit_code, 0);

  auto live = run_oneall({"run", "--db", db, "--endpoint", base_url(), jobs}, real_api_env());
  EXPECT_EQ(live.exit_code, 2) << live.err;
  EXPECT_NE(live.err.find("was run against the built-in sandbox"), std::string::npos) << live.err;
  EXPECT_NE(live.err.find("--db NEW.db"), std::string::npos) << live.err;
  EXPECT_EQ(stats().requests, 0u) << "nothing may be sent";

  auto status = run_oneall({"status", "--db", db});
  EXPECT_NE(status.out.find("api root: sandbox"), std::string::npos) << status.out;

  // And the other way round: a queue run for real refuses a rehearsal.
  const std::string live_db = dir.file("live.db");
  ASSERT_EQ(run_oneall({"run", "--db", live_db, "--endpoint", base_url(), jobs}, real_api_env())
                .exit_code,
            0);
  auto rehearsal = run_oneall({"run", "--sandbox", "--db", live_db});
  EXPECT_EQ(rehearsal.exit_code, 2) << rehearsal.err;
  EXPECT_NE(rehearsal.err.find("was run against " + base_url()), std::string::npos)
      << rehearsal.err;
}

}  // namespace
}  // namespace oneall
