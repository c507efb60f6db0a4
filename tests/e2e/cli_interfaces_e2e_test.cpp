// The commands do what their --help and docs/formats.md say, through the real binary: cancel
// takes a filter, --json always prints one object with exit_code, amounts of time have one
// grammar, --quiet is quiet when a signal stops a run, and --out never replaces a file unasked
// nor writes through a symlink.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <simdjson.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/child_process.hpp"
#include "support/process.hpp"
#include "support/queue_states.hpp"
#include "support/temp_dir.hpp"

namespace oneall {
namespace {

using namespace std::chrono_literals;
using testing::ChildProcess;
using testing::run_oneall;
using testing::TempDir;

constexpr const char* kIdentity = "2af20011-8965-471b-8f6b-8b66a611aae6";

std::string tweet_deletes(int count) {
  std::string yaml = fmt::format("defaults: {{identity: {}}}\njobs:\n", kIdentity);
  for (int i = 0; i < count; ++i) {
    yaml += fmt::format("  - {{op: delete, target: twitter.tweet, object_id: \"{}\"}}\n", 100 + i);
  }
  return yaml;
}

const std::map<std::string, std::string> kNoCredentials = {
    {"ONEALL_SUBDOMAIN", ""},
    {"ONEALL_PUBLIC_KEY", ""},
    {"ONEALL_PRIVATE_KEY", ""},
    {"ONEALL_BULK_CONFIG", ""},
    {"XDG_CONFIG_HOME", "/nonexistent"},
    {"HOME", "/nonexistent"}};

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// stdout must be exactly one JSON object on one line; its exit_code must be the process's.
struct JsonAnswer {
  std::int64_t exit_code = -1;
  std::string error;  // empty when the object has none
};
JsonAnswer one_json_object(const testing::ProcessResult& result) {
  JsonAnswer answer;
  EXPECT_EQ(std::count(result.out.begin(), result.out.end(), '\n'), 1) << result.out;
  simdjson::dom::parser parser;
  simdjson::dom::element object;
  if (parser.parse(result.out).get(object) != simdjson::SUCCESS || !object.is_object()) {
    ADD_FAILURE() << "not one JSON object on stdout: [" << result.out << "] stderr: "
                  << result.err;
    return answer;
  }
  if (object["exit_code"].get_int64().get(answer.exit_code) != simdjson::SUCCESS) {
    ADD_FAILURE() << "no exit_code: " << result.out;
  }
  std::string_view error;
  if (object["error"].get_string().get(error) == simdjson::SUCCESS) answer.error = error;
  EXPECT_EQ(answer.exit_code, result.exit_code) << result.out;
  return answer;
}

class CliInterfacesE2e : public ::testing::Test {
 protected:
  // Jobs queued (imported, not sent) in db_.
  // Polls the queue until a run has claimed jobs: its signal handlers are then installed.
  bool wait_for_running(std::chrono::seconds limit) const {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (std::filesystem::exists(db_) && testing::queue_states(db_).running > 0) return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }
  void queue_jobs(int count) {
    auto import =
        run_oneall({"import", dir_.write("jobs.yaml", tweet_deletes(count)), "--db", db_});
    ASSERT_EQ(import.exit_code, 0) << import.err;
  }

  TempDir dir_;
  const std::string db_ = dir_.file("queue.db");
};

// Issue 22 item 7: --help lists --state as cancel's filter and docs/formats.md says "a filter or
// --all"; `cancel --state pending` was refused with exit 2.
TEST_F(CliInterfacesE2e, CancelTakesStateAsAFilter) {
  queue_jobs(3);
  auto cancel = run_oneall({"cancel", "--state", "pending", "--db", db_});
  EXPECT_EQ(cancel.exit_code, 0) << cancel.err;
  EXPECT_NE(cancel.out.find("3 pending job(s) cancelled"), std::string::npos) << cancel.out;
  EXPECT_EQ(testing::queue_states(db_).pending, 0);

  auto unnamed = run_oneall({"cancel", "--db", db_});  // still no accident on a bare `cancel`
  EXPECT_EQ(unnamed.exit_code, 2);
  EXPECT_NE(unnamed.err.find("--state pending"), std::string::npos) << unnamed.err;
}

// Issue 22 item 8: on exit 2, 3 and 5 stdout was empty under --json.
TEST_F(CliInterfacesE2e, JsonPrintsOneObjectWithTheExitCodeOnEveryError) {
  auto no_keys = run_oneall({"run", "--json", "--db", db_}, kNoCredentials);
  EXPECT_EQ(no_keys.exit_code, 2);
  EXPECT_NE(one_json_object(no_keys).error.find("missing credentials"), std::string::npos);

  auto check = run_oneall({"check", "--json"}, kNoCredentials);
  EXPECT_EQ(check.exit_code, 2);
  EXPECT_NE(one_json_object(check).error.find("missing credentials"), std::string::npos);

  auto bad_rate = run_oneall({"run", "--sandbox", "--json", "--rate", "fast", "--db", db_});
  EXPECT_EQ(bad_rate.exit_code, 2);
  EXPECT_NE(one_json_object(bad_rate).error.find("--rate"), std::string::npos);

  // A database that cannot be opened: exit 5, and still one object.
  const std::string folder = dir_.file("a-folder.db");
  std::filesystem::create_directory(folder);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"status", "--json", "--db", folder},
        std::vector<std::string>{"retry", "--json", "--db", folder},
        std::vector<std::string>{"cancel", "--all", "--json", "--db", folder},
        std::vector<std::string>{"audit", "verify", "--json", "--db", folder}}) {
    auto failed = run_oneall(args);
    EXPECT_NE(failed.exit_code, 0) << args[0];
    EXPECT_FALSE(one_json_object(failed).error.empty()) << args[0];
  }
}

TEST_F(CliInterfacesE2e, JsonOfASecondRunIsAnObjectWithExitThree) {
  const std::string jobs = dir_.write("jobs.yaml", tweet_deletes(6));
  ChildProcess first({"run", "--sandbox", "--sandbox-latency", "300", "--concurrency", "1",
                      "--db", db_, jobs},
                     {}, dir_.path().string());
  ASSERT_TRUE(first.wait_for_err("job(s) to send to", 20s)) << first.err();
  auto second = run_oneall({"run", "--sandbox", "--json", "--db", db_});
  EXPECT_EQ(second.exit_code, 3) << second.err;
  EXPECT_NE(one_json_object(second).error.find("another run is working on"), std::string::npos);
  first.signal(SIGTERM);
  EXPECT_TRUE(first.wait(20s).has_value());
}

TEST_F(CliInterfacesE2e, JsonOfEveryCommandThatSucceedsCarriesExitCodeZero) {
  auto import = run_oneall(
      {"import", "--json", dir_.write("jobs.yaml", tweet_deletes(2)), "--db", db_});
  EXPECT_EQ(one_json_object(import).exit_code, 0);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"status", "--json"}, std::vector<std::string>{"retry", "--json"},
        std::vector<std::string>{"cancel", "--job", "1", "--json"},
        std::vector<std::string>{"audit", "verify", "--json"},
        std::vector<std::string>{"run", "--sandbox", "--json"}}) {
    std::vector<std::string> command = args;
    command.insert(command.end(), {"--db", db_});
    auto result = run_oneall(command);
    EXPECT_EQ(result.exit_code, 0) << args[0] << ": " << result.err;
    EXPECT_EQ(one_json_object(result).exit_code, 0) << args[0];
  }
  auto check = run_oneall({"check", "--sandbox", "--json"});
  EXPECT_EQ(one_json_object(check).exit_code, 0) << check.err;
}

// Issue 22 item 9: `--rate 5/min` worked and `--deadline 5min` was refused.
TEST_F(CliInterfacesE2e, OneGrammarForAmountsOfTime) {
  const std::string jobs = dir_.write("jobs.yaml", tweet_deletes(2));
  auto run = run_oneall({"run", "--sandbox", "--db", db_, jobs, "--deadline", "5min",
                         "--rate", "600/min", "--identity-rate", "100/90s", "--retry-base",
                         "250ms", "--retry-cap", "1min30sec", "--timeout", "30s"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(testing::queue_states(db_).succeeded, 2);

  for (const char* unit : {"ms", "s", "sec", "m", "min", "h", "hour", "d", "day"}) {
    auto dry = run_oneall({"run", "--dry-run", "--db", db_, "--deadline",
                           std::string("2") + unit, "--rate", std::string("20/") + unit});
    EXPECT_EQ(dry.exit_code, 0) << unit << ": " << dry.err;
  }
  auto help = run_oneall({"run", "--help"});
  EXPECT_NE(help.out.find("units: ms; s or sec; m or min; h or hour; d or day"), std::string::npos)
      << help.out;
  auto minutes = run_oneall({"run", "--dry-run", "--db", db_, "--deadline", "5minutes"});
  EXPECT_EQ(minutes.exit_code, 2);
  EXPECT_NE(minutes.err.find("units: ms; s or sec;"), std::string::npos) << minutes.err;
}

// Issue 22 item 10: --sandbox-latency was silently ignored without --sandbox.
TEST_F(CliInterfacesE2e, SandboxLatencyWithoutTheSandboxIsRefused) {
  auto run = run_oneall({"run", "--sandbox-latency", "50", "--db", db_}, kNoCredentials);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("--sandbox-latency requires --sandbox"), std::string::npos) << run.err;
  EXPECT_FALSE(std::filesystem::exists(db_));
  auto help = run_oneall({"run", "--help"});
  EXPECT_NE(help.out.find("--sandbox-latency INT:INT in [0 - 60000]=0"), std::string::npos)
      << "the default is shown: " << help.out;
}

// Issue 22 item 11: stopped by SIGTERM, `run --quiet` printed a blank line and "stopping: ...".
TEST_F(CliInterfacesE2e, QuietStoppedBySigtermPrintsOnlyTheSummary) {
  const std::string jobs = dir_.write("jobs.yaml", tweet_deletes(30));
  ChildProcess run({"run", "--sandbox", "--sandbox-latency", "200", "--concurrency", "2",
                    "--quiet", "--db", db_, jobs},
                   {}, dir_.path().string());
  ASSERT_TRUE(wait_for_running(20s)) << run.err();  // quiet says nothing to wait for
  run.signal(SIGTERM);
  EXPECT_EQ(run.wait(20s), 4) << run.err();
  const std::string err = run.err();
  EXPECT_EQ(err.rfind("run 1: ", 0), 0u) << "the summary, and nothing before it: [" << err << "]";
  EXPECT_EQ(err.find("stopping"), std::string::npos) << err;
  EXPECT_EQ(err.find("\n\n"), std::string::npos) << err;
  EXPECT_NE(err.find("stopped (signal)"), std::string::npos) << err;
}

TEST_F(CliInterfacesE2e, WithoutATerminalTheStopNoticeHasNoBlankLine) {
  const std::string jobs = dir_.write("jobs.yaml", tweet_deletes(30));
  ChildProcess run({"run", "--sandbox", "--sandbox-latency", "200", "--concurrency", "2", "--db",
                    db_, jobs},
                   {}, dir_.path().string());
  ASSERT_TRUE(wait_for_running(20s)) << run.err();
  run.signal(SIGTERM);
  EXPECT_EQ(run.wait(20s), 4) << run.err();
  const std::string err = run.err();
  EXPECT_NE(err.find("\nstopping: finishing requests in flight"), std::string::npos) << err;
  EXPECT_EQ(err.find("\n\n"), std::string::npos) << "no blank line: [" << err << "]";
}

// Issue 22 item 12: `report --out` replaced a file without a word, followed a symlink and made
// its target 0600.
TEST_F(CliInterfacesE2e, OutRefusesAnExistingFileAndForceReplacesItWithoutFollowingASymlink) {
  queue_jobs(2);
  for (const std::string command : {"report", "audit"}) {
    SCOPED_TRACE(command);
    TempDir out_dir;
    const std::string existing = out_dir.write("existing.csv", "keep me\n");
    auto refused = run_oneall({command, "--db", db_, "--out", existing});
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_NE(refused.err.find("already exists"), std::string::npos) << refused.err;
    EXPECT_NE(refused.err.find("--force"), std::string::npos) << refused.err;
    EXPECT_EQ(read_file(existing), "keep me\n");

    // A symlink to a file of someone else's: refused, and with --force the link is replaced.
    const std::string victim = out_dir.write("victim.txt", "not yours\n");
    ASSERT_EQ(::chmod(victim.c_str(), 0644), 0);
    const std::string link = out_dir.file("link.csv");
    std::filesystem::create_symlink(victim, link);
    EXPECT_EQ(run_oneall({command, "--db", db_, "--out", link}).exit_code, 2);
    auto forced = run_oneall({command, "--db", db_, "--out", link, "--force"});
    EXPECT_EQ(forced.exit_code, 0) << forced.err;
    EXPECT_EQ(read_file(victim), "not yours\n");
    struct stat info {};
    ASSERT_EQ(::stat(victim.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0644u) << "the link's target keeps its mode";
    ASSERT_EQ(::lstat(link.c_str(), &info), 0);
    EXPECT_TRUE(S_ISREG(info.st_mode)) << "the link itself was replaced";
    EXPECT_EQ(info.st_mode & 0777, 0600u);
    if (command == "report") {
      EXPECT_EQ(read_file(link).rfind("id,batch_id,", 0), 0u);
    }

    auto replaced = run_oneall({command, "--db", db_, "--out", existing, "--force"});
    EXPECT_EQ(replaced.exit_code, 0) << replaced.err;
    EXPECT_NE(read_file(existing), "keep me\n");

    const std::string fresh = out_dir.file("fresh.csv");
    EXPECT_EQ(run_oneall({command, "--db", db_, "--out", fresh}).exit_code, 0);
    // Nothing else was left in the folder (no temporary files).
    int files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(out_dir.path())) {
      (void)entry;
      ++files;
    }
    EXPECT_EQ(files, 4) << "existing, victim, link, fresh";
  }
  auto help = run_oneall({"report", "--help"});
  EXPECT_NE(help.out.find("--force"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("refused unless --force"), std::string::npos) << help.out;
}

}  // namespace
}  // namespace oneall
