// Every command's --help against what the command does, from one table: each option the help
// lists is in the table (and nothing else is), the binary accepts each of them, and the help
// names each exit code the command can end with, instead of the top-level quick start.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "support/help_options.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace oneall {
namespace {

using testing::listed_options;
using testing::run_oneall;
using testing::TempDir;

constexpr const char* kIdentity = "2af20011-8965-471b-8f6b-8b66a611aae6";
// The marker of a command line CLI11 refused (an unknown option, a bad value, a missing one).
constexpr const char* kRefused = "Run with --help for more information.";

struct CommandCase {
  std::vector<std::string> command;  // "audit", "verify"
  // Arguments that make the command end at once without harm: a dry run, a loopback address
  // the sandbox will not bind, no credentials. "DB" is the test's database, "JOBS" a job file.
  std::vector<std::string> base;
  // Every option the help lists, with the arguments it is tried with ("NEW": a new file).
  std::map<std::string, std::vector<std::string>> options;
  std::vector<int> exit_codes;
};

const std::vector<CommandCase>& commands() {
  static const std::vector<CommandCase> table = {
      {{"validate"}, {"JOBS"}, {{"--identity", {kIdentity}}}, {0, 2}},
      {{"import"},
       {"JOBS", "--db", "DB"},
       {{"--identity", {kIdentity}}, {"--json", {}}, {"--db", {"DB"}}},
       {0, 2, 5}},
      {{"run"},
       {"--dry-run", "--db", "DB"},
       {{"--identity", {kIdentity}},
        {"--concurrency", {"2"}},
        {"--rate", {"1200/min"}},
        {"--identity-rate", {"100/90s"}},
        {"--deadline", {"1h30min"}},
        {"--max-attempts", {"3"}},
        {"--retry-base", {"250ms"}},
        {"--retry-cap", {"2min"}},
        {"--max-auth-failures", {"3"}},
        {"--timeout", {"5s"}},
        {"--lease", {"1min"}},
        {"--config", {"/nonexistent/credentials"}},
        {"--endpoint", {"http://127.0.0.1:9"}},
        {"--cacert", {"/nonexistent/ca.pem"}},
        {"--batch", {"1"}},
        {"--missing-ok", {}},
        {"--dry-run", {}},
        {"--sandbox", {}},
        {"--sandbox-latency", {"10", "--sandbox"}},
        {"--quiet", {}},
        {"--json", {}},
        {"--metrics-file", {"NEW"}},
        {"--db", {"DB"}}},
       {0, 1, 2, 3, 4, 5}},
      {{"status"},
       {"--db", "DB"},
       {{"--format", {"prometheus"}}, {"--json", {}}, {"--db", {"DB"}}},
       {0, 2, 5}},
      {{"audit"},
       {"--db", "DB"},
       {{"--format", {"csv"}},
        {"--job", {"1"}},
        {"--run", {"1"}},
        {"--out", {"NEW"}},
        {"--force", {"--out", "NEW"}},
        {"--db", {"DB"}}},
       {0, 2, 5}},
      {{"audit", "verify"},
       {"--db", "DB"},
       {{"--json", {}}, {"--archive", {"NEW"}}, {"--db", {"DB"}}},
       {0, 1, 2, 5}},
      {{"report"},
       {"--db", "DB"},
       {{"--batch", {"1"}},
        {"--state", {"failed,dead"}},
        {"--job", {"1"}},
        {"--http-status", {"5xx"}},
        {"--target", {"twitter.tweet"}},
        {"--identity", {kIdentity}},
        {"--format", {"jobfile"}},
        {"--out", {"NEW"}},
        {"--force", {"--out", "NEW"}},
        {"--db", {"DB"}}},
       {0, 2, 5}},
      {{"retry"},
       {"--db", "DB"},
       {{"--batch", {"1"}},
        {"--state", {"dead,cancelled"}},
        {"--job", {"1"}},
        {"--http-status", {"404"}},
        {"--target", {"pinterest.pin"}},
        {"--identity", {kIdentity}},
        {"--dry-run", {}},
        {"--json", {}},
        {"--db", {"DB"}}},
       {0, 2, 5}},
      {{"cancel"},
       {"--db", "DB", "--job", "1"},
       {{"--batch", {"1"}},
        {"--state", {"pending"}},
        {"--job", {"1"}},
        {"--http-status", {"4xx"}},
        {"--target", {"facebook.page.post"}},
        {"--identity", {kIdentity}},
        {"--dry-run", {}},
        {"--json", {}},
        {"--all", {}},
        {"--db", {"DB"}}},
       {0, 2, 5}},
      {{"pause"},
       {"--db", "DB"},
       {{"--batch", {"1"}}, {"--json", {}}, {"--db", {"DB"}}},
       {0, 2, 5}},
      {{"resume"},
       {"--db", "DB"},
       {{"--batch", {"1"}}, {"--json", {}}, {"--db", {"DB"}}},
       {0, 2, 5}},
      {{"copy"}, {"DB", "NEW"}, {{"--json", {}}}, {0, 2, 3, 5}},
      {{"prune"},
       {"--before", "90d", "--archive", "NEW", "--db", "DB"},
       {{"--before", {"2026-01-31"}}, {"--archive", {"NEW"}}, {"--json", {}}, {"--db", {"DB"}}},
       {0, 1, 2, 3, 5}},
      {{"backup"}, {"NEW", "--db", "DB"}, {{"--json", {}}, {"--db", {"DB"}}}, {0, 2, 5}},
      {{"sandbox"},
       {"--host", "192.0.2.1"},
       {{"--host", {"192.0.2.1"}},
        {"--port", {"0"}},
        {"--latency", {"5"}},
        {"--threads", {"8"}},
        {"--error-rate", {"0.1"}},
        {"--throttle", {"5"}},
        {"--throttle-burst", {"2"}},
        {"--reset-rate", {"0.1"}},
        {"--seed", {"1"}},
        {"--public-key", {"k"}},
        {"--private-key", {"k"}},
        {"--missing", {"x"}}},
       {0, 2}},
      {{"check"},
       {},
       {{"--config", {"/nonexistent/credentials"}},
        {"--endpoint", {"http://127.0.0.1:9"}},
        {"--cacert", {"/nonexistent/ca.pem"}},
        {"--timeout", {"2s"}},
        {"--sandbox", {}},
        {"--json", {}}},
       {0, 2, 4, 5}},
      {{"completion"}, {"bash"}, {}, {0, 2}},
  };
  return table;
}

const std::map<std::string, std::string> kNoCredentials = {
    {"ONEALL_SUBDOMAIN", ""},   {"ONEALL_PUBLIC_KEY", ""},           {"ONEALL_PRIVATE_KEY", ""},
    {"ONEALL_BULK_CONFIG", ""}, {"XDG_CONFIG_HOME", "/nonexistent"}, {"HOME", "/nonexistent"}};

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

TEST(HelpTableE2e, EveryOptionAHelpListsIsAcceptedAndEveryExitCodeIsNamed) {
  TempDir dir;
  const std::string jobs = dir.write(
      "jobs.yaml", std::string("defaults: {identity: ") + kIdentity +
                       "}\njobs:\n  - {op: delete, target: twitter.tweet, object_id: \"1\"}\n");
  const std::string db = dir.file("queue.db");
  ASSERT_EQ(run_oneall({"import", jobs, "--db", db}).exit_code, 0);
  int new_files = 0;
  auto resolve = [&](std::vector<std::string> args) {
    for (auto& arg : args) {
      if (arg == "DB") arg = db;
      if (arg == "JOBS") arg = jobs;
      if (arg == "NEW") arg = dir.file("out-" + std::to_string(++new_files));
    }
    return args;
  };

  for (const CommandCase& c : commands()) {
    const std::string name = joined(c.command);
    SCOPED_TRACE(name);
    std::vector<std::string> help_args = c.command;
    help_args.push_back("--help");
    const auto help = run_oneall(help_args);
    ASSERT_EQ(help.exit_code, 0) << help.err;

    std::set<std::string> in_table;
    for (const auto& [option, args] : c.options) in_table.insert(option);
    EXPECT_EQ(listed_options(help.out), in_table) << "the help lists other options:\n" << help.out;

    for (const auto& [option, args] : c.options) {
      std::vector<std::string> line = c.command;
      const std::vector<std::string> base = resolve(c.base);
      for (std::size_t i = 0; i < base.size(); ++i) {
        if (base[i] == option) {  // given below instead: each option once
          while (i + 1 < base.size() && base[i + 1].rfind("--", 0) != 0) ++i;
          continue;
        }
        line.push_back(base[i]);
      }
      line.push_back(option);
      for (const auto& a : resolve(args)) line.push_back(a);
      const auto result = run_oneall(line, kNoCredentials, std::chrono::seconds(60));
      EXPECT_FALSE(result.timed_out) << joined(line);
      EXPECT_EQ(result.err.find(kRefused), std::string::npos)
          << joined(line) << " was refused: " << result.err;
    }

    const auto exit_status = help.out.find("Exit status:");
    ASSERT_NE(exit_status, std::string::npos) << "no exit codes in the help:\n" << help.out;
    const std::string codes = help.out.substr(exit_status);
    for (int code : c.exit_codes) {
      EXPECT_TRUE(
          std::regex_search(codes, std::regex("(^|[ \\n])" + std::to_string(code) + " [a-z(]")))
          << "exit code " << code << " is not named: " << codes;
    }
    EXPECT_EQ(help.out.find("Quick start"), std::string::npos) << help.out;
  }
}

// The table covers every command the CLI registers (cli::make_commands, as run_main builds
// them) and each of their own subcommands, so a command added later cannot go unchecked.
TEST(HelpTableE2e, TheTableHasEveryCommandTheCliRegisters) {
  std::set<std::string> in_table;
  for (const CommandCase& c : commands()) in_table.insert(joined(c.command));
  std::set<std::string> registered;
  CLI::App app;
  for (const auto& command : cli::make_commands(app)) {
    CLI::App& sub = command->subcommand();
    registered.insert(sub.get_name());
    for (const CLI::App* nested : sub.get_subcommands({})) {
      registered.insert(sub.get_name() + " " + nested->get_name());
    }
  }
  EXPECT_EQ(registered, in_table);
}

}  // namespace
}  // namespace oneall
