// What a run's summary says, through the real binary against the sandbox over loopback: the
// retryable errors of a run are not jobs still waiting (issue 22, item 1), and a circuit breaker
// tripped by wrong keys says which jobs it left failed and how to send them again (item 5).
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
#include "support/temp_dir.hpp"

namespace oneall {
namespace {

using namespace std::chrono_literals;
using testing::queue_states;
using testing::run_oneall;
using testing::TempDir;

// `count` tweet deletes, each on its own object.
std::string tweet_deletes(int count) {
  std::string yaml = fmt::format("defaults: {{identity: {}}}\njobs:\n", testing::kTestIdentity);
  for (int i = 0; i < count; ++i) {
    yaml += fmt::format("  - {{op: delete, target: twitter.tweet, object_id: \"{}\"}}\n", 100 + i);
  }
  return yaml;
}

std::map<std::string, std::string> sandbox_env(const std::string& private_key) {
  const auto credentials = api::sandbox_credentials();
  return {{"ONEALL_SUBDOMAIN", credentials.subdomain},
          {"ONEALL_PUBLIC_KEY", credentials.public_key},
          {"ONEALL_PRIVATE_KEY", private_key}};
}

std::int64_t json_int(const std::string& json, const char* key) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(json).get(doc) != simdjson::SUCCESS) {
    ADD_FAILURE() << "not JSON: " << json;
    return -1;
  }
  std::int64_t value = -1;
  EXPECT_EQ(doc[key].get_int64().get(value), simdjson::SUCCESS) << key << " in " << json;
  return value;
}

// Against a sandbox answering 500/503 to about a third of the requests, every job ends
// succeeded (exit 0), so nothing waits; the summary must not read as if the retryable errors
// were jobs outstanding ("N to retry"), and must say separately that no job waits.
TEST(RunSummaryE2e, RetryableErrorsAreCountedApartFromJobsStillWaiting) {
  sandbox::SandboxOptions options;
  options.error_rate = 0.35;
  options.seed = 7;
  sandbox::SandboxServer server(options);
  ASSERT_TRUE(server.start().ok());
  TempDir dir;
  const std::string db = dir.file("q.db");
  const std::string jobs = dir.write("jobs.yaml", tweet_deletes(30));

  auto run = run_oneall({"run", jobs, "--db", db, "--endpoint", server.base_url(), "--retry-base",
                         "1ms", "--retry-cap", "5ms", "--max-attempts", "20", "--json"},
                        sandbox_env(api::sandbox_credentials().private_key), 60s);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::int64_t retries = json_int(run.out, "retries");
  ASSERT_GT(retries, 0) << "the sandbox's errors must have been retried: " << run.err;
  EXPECT_EQ(json_int(run.out, "jobs_left"), 0) << run.out;
  EXPECT_EQ(json_int(run.out, "requests"), 30 + retries) << run.out;

  EXPECT_EQ(run.err.find("to retry"), std::string::npos) << run.err;
  EXPECT_NE(
      run.err.find(fmt::format("30 succeeded, 0 failed, 0 dead, {} retryable errors", retries)),
      std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("0 job(s) still waiting in scope"), std::string::npos) << run.err;
}

// Wrong keys trip the breaker. The jobs answered 401 are failed, and a later run does not send
// them: the message must say so and name `retry`, which, once the keys are right, brings every
// one of them back so that the next run finishes the queue.
TEST(RunSummaryE2e, TheCircuitBreakerSaysHowToSendTheRefusedJobsAgain) {
  sandbox::SandboxServer server(sandbox::SandboxOptions{});
  ASSERT_TRUE(server.start().ok());
  TempDir dir;
  const std::string db = dir.file("q.db");
  const std::string jobs = dir.write("jobs.yaml", tweet_deletes(40));
  const std::vector<std::string> run_args{
      "run", "--db", db, "--endpoint", server.base_url(), "--concurrency", "4"};

  auto refused_args = run_args;
  refused_args.insert(refused_args.end(), {jobs, "--max-auth-failures", "5"});
  auto refused = run_oneall(refused_args, sandbox_env("not-the-private-key"), 30s);
  ASSERT_EQ(refused.exit_code, 4) << refused.err;
  const std::int64_t failed = queue_states(db).failed;
  ASSERT_GE(failed, 5) << refused.err;
  EXPECT_NE(
      refused.err.find(fmt::format("{} job(s) answered 401/403 in this run are failed", failed)),
      std::string::npos)
      << refused.err;
  EXPECT_NE(refused.err.find("`oneall-bulk retry --state failed`"), std::string::npos)
      << refused.err;

  // As the message says: fix the keys, retry, run again.
  auto retry = run_oneall({"retry", "--state", "failed", "--db", db});
  ASSERT_EQ(retry.exit_code, 0) << retry.err;
  EXPECT_NE(retry.out.find(fmt::format("{} job(s) moved back to pending", failed)),
            std::string::npos)
      << retry.out;
  auto again = run_oneall(run_args, sandbox_env(api::sandbox_credentials().private_key), 30s);
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(queue_states(db).succeeded, 40);
}

}  // namespace
}  // namespace oneall
