// The rate is the queue's, not the process's (docs/cli.md#rate-limits): with one runner or
// three on one PostgreSQL queue, `--rate 300` on each gives 300 requests/s at the sandbox, within
// 5 %, measured from the times the sandbox received them.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "support/child_process.hpp"
#include "support/pg_test_database.hpp"
#include "support/process.hpp"
#include "support/sandbox_fixture.hpp"
#include "support/temp_dir.hpp"

namespace oneall {
namespace {

using namespace std::chrono_literals;
using testing::ChildProcess;
using testing::PgTestDatabase;
using testing::run_oneall;
using testing::TempDir;

constexpr int kJobs = 1'500;  // 5 s at 300/s
constexpr double kRate = 300;

std::string tweet_deletes(int count) {
  std::string csv = "op,target,identity,object_id\n";
  for (int i = 0; i < count; ++i) {
    csv +=
        fmt::format("delete,twitter.tweet,2af20011-8965-471b-8f6b-8b66a611aae6,{}\n", 1000000 + i);
  }
  return csv;
}

class PgSharedRateE2e : public testing::SandboxFixture, public ::testing::WithParamInterface<int> {
 protected:
  TempDir dir_;
  PgTestDatabase database_;
};

TEST_P(PgSharedRateE2e, RunnersTogetherKeepTheQueuesRate) {
  const int runners = GetParam();
  sandbox::SandboxOptions options;
  options.latency_ms = 10;
  restart_sandbox(options);
  const auto credentials = api::sandbox_credentials();
  const std::map<std::string, std::string> env = {{"ONEALL_BULK_DB", ""},
                                                  {"ONEALL_SUBDOMAIN", credentials.subdomain},
                                                  {"ONEALL_PUBLIC_KEY", credentials.public_key},
                                                  {"ONEALL_PRIVATE_KEY", credentials.private_key}};
  const std::string jobs = dir_.write("jobs.csv", tweet_deletes(kJobs));
  auto imported = run_oneall({"import", "--db", database_.uri(), jobs}, env);
  ASSERT_EQ(imported.exit_code, 0) << imported.err;

  std::vector<std::unique_ptr<ChildProcess>> runs;
  for (int i = 0; i < runners; ++i) {
    runs.push_back(std::make_unique<ChildProcess>(
        std::vector<std::string>{"run", "--db", database_.uri(), "--endpoint", base_url(),
                                 "--concurrency", "32", "--rate", fmt::format("{}", kRate)},
        env, dir_.path()));
  }
  for (auto& run : runs) EXPECT_EQ(run->wait(60s), 0) << run->err();

  const sandbox::ReceiveTimes received = sandbox().received();
  ASSERT_EQ(received.since_start.size(), static_cast<std::size_t>(kJobs));
  const double seconds =
      std::chrono::duration<double>(received.since_start.back() - received.since_start.front())
          .count();
  const double measured = (kJobs - 1) / seconds;
  EXPECT_NEAR(measured, kRate, kRate * 0.05) << runners << " runner(s), " << seconds << " s";
}

INSTANTIATE_TEST_SUITE_P(Runners, PgSharedRateE2e, ::testing::Values(1, 3),
                         [](const auto& info) { return fmt::format("{}Runners", info.param); });

}  // namespace
}  // namespace oneall
