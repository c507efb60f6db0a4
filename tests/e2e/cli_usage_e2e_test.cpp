// The binary's contract at its edges: --help, bad usage, missing credentials, refused
// endpoints, and exit code 1 when jobs fail against a sandbox started apart (--endpoint).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>

#include "cli/command.hpp"
#include "sandbox/sandbox_server.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace oneall {
namespace {

using testing::run_oneall;
using testing::TempDir;

constexpr const char* kIdentity = "2af20011-8965-471b-8f6b-8b66a611aae6";

// The commands are the ones the CLI registers (cli::make_commands, as run_main does), not a
// list kept here: a command added later is checked too.
TEST(CliUsageE2e, HelpListsEveryCommandAndExitsZero) {
  CLI::App app;
  const auto commands = cli::make_commands(app);
  ASSERT_GE(commands.size(), 10u);
  auto help = run_oneall({"--help"});
  EXPECT_EQ(help.exit_code, 0) << help.err;
  for (const auto& command : commands) {
    const std::string name = command->subcommand().get_name();
    // A line of the command list starts with the name, indented, and goes on with spaces.
    EXPECT_NE(help.out.find("\n  " + name + " "), std::string::npos) << name << ":\n" << help.out;
    auto sub = run_oneall({name, "--help"});
    EXPECT_EQ(sub.exit_code, 0) << name << ": " << sub.err;
    // Which options each help lists (--db only where the command uses a queue):
    // help_table_e2e_test.cpp.
  }
}

TEST(CliUsageE2e, BadUsageExitsTwo) {
  EXPECT_EQ(run_oneall({}).exit_code, 2);
  EXPECT_EQ(run_oneall({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(run_oneall({"run", "--concurrency", "0"}).exit_code, 2);
  EXPECT_EQ(run_oneall({"audit", "--format", "xml"}).exit_code, 2);
  EXPECT_EQ(run_oneall({"validate"}).exit_code, 2);
}

TEST(CliUsageE2e, RunWithoutCredentialsSaysWhatIsMissing) {
  TempDir dir;
  auto run =
      run_oneall({"run", "--db", dir.file("q.db")},
                 {{"ONEALL_SUBDOMAIN", ""}, {"ONEALL_PUBLIC_KEY", ""}, {"ONEALL_PRIVATE_KEY", ""}});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("ONEALL_PRIVATE_KEY"), std::string::npos) << run.err;
}

TEST(CliUsageE2e, PlainHttpToANonLoopbackHostIsRefused) {
  TempDir dir;
  auto run = run_oneall({"run", "--db", dir.file("q.db"), "--endpoint", "http://example.com"},
                        {{"ONEALL_SUBDOMAIN", "s"},
                         {"ONEALL_PUBLIC_KEY", "p"},
                         {"ONEALL_PRIVATE_KEY", "secret-private"}});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("refusing plain http://"), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find("secret-private"), std::string::npos);
}

TEST(CliUsageE2e, FailedJobsExitOneAndAreRecorded) {
  sandbox::SandboxOptions options;
  options.missing_objects = {"gone-1"};
  sandbox::SandboxServer server(options);
  ASSERT_TRUE(server.start().ok());

  TempDir dir;
  const std::string file = dir.write(
      "jobs.yaml", fmt::format("defaults: {{identity: {}}}\n"
                               "jobs:\n"
                               "  - {{op: delete, target: twitter.tweet, object_id: gone-1}}\n"
                               "  - {{op: delete, target: twitter.tweet, object_id: here-2}}\n",
                               kIdentity));
  const auto credentials = api::sandbox_credentials();
  auto run = run_oneall({"run", file, "--db", dir.file("q.db"), "--endpoint", server.base_url()},
                        {{"ONEALL_SUBDOMAIN", credentials.subdomain},
                         {"ONEALL_PUBLIC_KEY", credentials.public_key},
                         {"ONEALL_PRIVATE_KEY", credentials.private_key}});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(server.stats().requests, 2u);

  auto audit = run_oneall({"audit", "--format", "csv", "--db", dir.file("q.db")});
  EXPECT_EQ(audit.exit_code, 0);
  EXPECT_NE(audit.out.find(",404,"), std::string::npos) << audit.out;
  EXPECT_NE(audit.out.find(",200,"), std::string::npos) << audit.out;
  EXPECT_EQ(audit.out.find(credentials.private_key), std::string::npos);
}

}  // namespace
}  // namespace oneall
