// `run` as cron uses it, through the real binary against the sandbox over loopback: one run
// per database (exit 3, and the lock gone with a kill -9), SIGTERM then a run that finishes
// everything, --deadline (exit 4), the circuit breaker, --dry-run sending and changing
// nothing, bad --rate/--deadline values (exit 2), --quiet and --json.
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <simdjson.h>
#include <stdlib.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>

#include "api/credentials.hpp"
#include "sandbox/sandbox_server.hpp"
#include "support/child_process.hpp"
#include "support/process.hpp"
#include "support/queue_states.hpp"
#include "support/temp_dir.hpp"

namespace oneall {
namespace {

using namespace std::chrono_literals;
using testing::ChildProcess;
using testing::queue_states;
using testing::QueueStates;
using testing::run_oneall;
using testing::TempDir;

constexpr const char* kIdentity = "2af20011-8965-471b-8f6b-8b66a611aae6";
constexpr const char* kStarted = "job(s) to send to";  // run's line once it holds the lock

// `count` tweet deletes, each on its own object, ids from `first`.
std::string tweet_deletes(int count, int first = 1000) {
  std::string yaml = fmt::format("defaults: {{identity: {}}}\njobs:\n", kIdentity);
  for (int i = 0; i < count; ++i) {
    yaml +=
        fmt::format("  - {{op: delete, target: twitter.tweet, object_id: \"{}\"}}\n", first + i);
  }
  return yaml;
}

std::map<std::string, std::string> sandbox_env(const std::string& private_key = "") {
  const auto credentials = api::sandbox_credentials();
  return {{"ONEALL_SUBDOMAIN", credentials.subdomain},
          {"ONEALL_PUBLIC_KEY", credentials.public_key},
          {"ONEALL_PRIVATE_KEY", private_key.empty() ? credentials.private_key : private_key}};
}

// A sandbox in this process, slow enough that a run lasts while the test acts on it.
class RunCronE2e : public ::testing::Test {
 protected:
  void start_sandbox(int latency_ms) {
    sandbox::SandboxOptions options;
    options.latency_ms = latency_ms;
    server_ = std::make_unique<sandbox::SandboxServer>(options);
    ASSERT_TRUE(server_->start().ok());
  }
  std::vector<std::string> run_args(std::vector<std::string> extra) const {
    std::vector<std::string> args{"run", "--db", db_, "--endpoint", server_->base_url()};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  bool wait_for_requests(std::uint64_t at_least, std::chrono::milliseconds limit) const {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (server_->stats().requests >= at_least) return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }

  TempDir dir_;
  const std::string db_ = dir_.file("queue.db");
  std::unique_ptr<sandbox::SandboxServer> server_;
};

TEST_F(RunCronE2e, ASecondRunIsRefusedWithThreeAndSaysWhoHoldsTheDatabase) {
  start_sandbox(250);
  const std::string jobs = dir_.write("jobs.yaml", tweet_deletes(12));
  ChildProcess first(run_args({jobs, "--concurrency", "2"}), sandbox_env(), dir_.path());
  ASSERT_TRUE(first.wait_for_err(kStarted, 10s)) << first.err();

  auto second = run_oneall(run_args({}), sandbox_env());
  EXPECT_EQ(second.exit_code, 3) << second.err;
  EXPECT_NE(second.err.find("another run is working on " + db_), std::string::npos) << second.err;
  EXPECT_NE(second.err.find(fmt::format("pid {} on host ", first.pid())), std::string::npos)
      << second.err;
  EXPECT_NE(second.err.find(", since 20"), std::string::npos) << second.err;

  // import is no run: it works beside one (SQLite's busy timeout), and that run takes its jobs.
  const std::string more = dir_.write("more.yaml", tweet_deletes(2, 5000));
  auto import = run_oneall({"import", more, "--db", db_});
  EXPECT_EQ(import.exit_code, 0) << import.err;

  EXPECT_EQ(first.wait(20s), 0) << first.err();
  EXPECT_EQ(queue_states(db_).succeeded, 14);
  auto third = run_oneall(run_args({}), sandbox_env());  // the lock is free again
  EXPECT_EQ(third.exit_code, 0) << third.err;
}

TEST_F(RunCronE2e, TheLockDiesWithAKilledRun) {
  start_sandbox(300);
  const std::string jobs = dir_.write("jobs.yaml", tweet_deletes(10));
  ChildProcess first(run_args({jobs, "--concurrency", "5"}), sandbox_env(), dir_.path());
  ASSERT_TRUE(first.wait_for_err(kStarted, 10s)) << first.err();
  first.signal(SIGKILL);
  EXPECT_EQ(first.wait(5s), -1);

  auto second = run_oneall(run_args({}), sandbox_env());
  EXPECT_NE(second.exit_code, 3) << second.err;
  EXPECT_EQ(second.err.find("another run"), std::string::npos) << second.err;
  EXPECT_NE(second.err.find(kStarted), std::string::npos) << second.err;
}

TEST_F(RunCronE2e, SigtermStopsWithFourAndTheNextRunFinishesEverythingOnce) {
  start_sandbox(200);
  const std::string jobs = dir_.write("jobs.yaml", tweet_deletes(40));
  ChildProcess first(run_args({jobs, "--concurrency", "4"}), sandbox_env(), dir_.path());
  ASSERT_TRUE(wait_for_requests(4, 10s)) << first.err();
  const auto signalled = std::chrono::steady_clock::now();
  first.signal(SIGTERM);
  const auto code = first.wait(10s);
  EXPECT_LT(std::chrono::steady_clock::now() - signalled, 5s) << "stop within a few seconds";
  EXPECT_EQ(code, 4) << first.err();
  EXPECT_NE(first.err().find("stopping: finishing requests in flight (Ctrl-C again to quit now)"),
            std::string::npos)
      << first.err();
  EXPECT_NE(first.err().find("stopped (signal)"), std::string::npos) << first.err();
  const QueueStates stopped = queue_states(db_);
  EXPECT_GT(stopped.pending, 0);
  EXPECT_EQ(stopped.running, 0) << "in-flight jobs were finished or released";

  auto second = run_oneall(run_args({"--concurrency", "8"}), sandbox_env());
  EXPECT_EQ(second.exit_code, 0) << second.err;
  const QueueStates done = queue_states(db_);
  EXPECT_EQ(done.total, 40);
  EXPECT_EQ(done.succeeded, 40);
  EXPECT_EQ(server_->stats().applied, 40u);
  EXPECT_EQ(server_->stats().repeated, 0u) << "nothing was sent twice";
}

// Needs the runner to honour RunOptions::deadline.
TEST_F(RunCronE2e, DeadlineStopsTakingWorkAndExitsFour) {
  start_sandbox(200);
  const std::string jobs = dir_.write("jobs.yaml", tweet_deletes(60));
  const auto started = std::chrono::steady_clock::now();
  auto run = run_oneall(run_args({jobs, "--concurrency", "2", "--deadline", "1s", "--json"}),
                        sandbox_env(), 30s);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 4s) << "60 jobs take 6 s";
  EXPECT_EQ(run.exit_code, 4) << run.err;
  EXPECT_NE(run.out.find(R"("stop_cause":"deadline")"), std::string::npos) << run.out;
  EXPECT_NE(run.err.find("stopped (deadline)"), std::string::npos) << run.err;
  const QueueStates left = queue_states(db_);
  EXPECT_GT(left.pending, 0);
  EXPECT_EQ(left.running, 0);
}

// Needs the runner's circuit breaker.
TEST_F(RunCronE2e, WrongKeysTripTheCircuitBreakerAfterAHandfulOfRequests) {
  start_sandbox(0);
  const std::string jobs = dir_.write("jobs.yaml", tweet_deletes(50));
  auto run = run_oneall(run_args({jobs, "--concurrency", "2", "--max-auth-failures", "3"}),
                        sandbox_env("not-the-private-key"), 30s);
  EXPECT_EQ(run.exit_code, 4) << run.err;
  EXPECT_NE(run.err.find("stopped (circuit_breaker)"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("ONEALL_PRIVATE_KEY"), std::string::npos) << "names the likely cause";
  EXPECT_EQ(run.err.find("not-the-private-key"), std::string::npos);
  EXPECT_LE(server_->stats().requests, 3u + 2u) << "at most the threshold plus those in flight";
}

TEST_F(RunCronE2e, DryRunWithFilesPrintsTheirRequestsAndQueuesAndSendsNothing) {
  start_sandbox(0);
  const std::string jobs = dir_.write(
      "jobs.yaml", fmt::format("defaults: {{identity: {}}}\njobs:\n"
                               "  - {{op: delete, target: twitter.tweet, object_id: \"77\"}}\n"
                               "  - {{op: update, target: pinterest.pin, object_id: \"88\", "
                               "set: {{board: photos}}}}\n",
                               kIdentity));
  auto run = run_oneall(run_args({jobs, "--dry-run"}), sandbox_env("secret-private-key"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string tweet =
      fmt::format("DELETE /update/identities/{}/twitter/post/77.json  # {}:3\n", kIdentity, jobs);
  const std::string pin =
      fmt::format("PUT /update/identities/{}/pinterest/pin/88.json {{", kIdentity);
  ASSERT_NE(run.out.find(tweet), std::string::npos) << run.out;
  EXPECT_GT(run.out.find(pin), run.out.find(tweet)) << "in file order: " << run.out;
  EXPECT_NE(run.out.find(R"("board":"photos")"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("secret-private-key"), std::string::npos);
  EXPECT_EQ(run.err.find("secret-private-key"), std::string::npos);
  EXPECT_NE(run.err.find("nothing was queued or sent"), std::string::npos) << run.err;
  EXPECT_FALSE(std::filesystem::exists(db_)) << "a dry run with files does not touch the queue";
  EXPECT_EQ(server_->stats().requests, 0u);
}

TEST_F(RunCronE2e, DryRunOfTheQueuePrintsPendingJobsInClaimOrderAndChangesNothing) {
  start_sandbox(0);
  ASSERT_EQ(
      run_oneall({"import", dir_.write("a.yaml", tweet_deletes(3, 100)), "--db", db_}).exit_code,
      0);
  ASSERT_EQ(
      run_oneall({"import", dir_.write("b.yaml", tweet_deletes(2, 200)), "--db", db_}).exit_code,
      0);
  auto all = run_oneall(run_args({"--dry-run"}), sandbox_env());
  ASSERT_EQ(all.exit_code, 0) << all.err;
  std::vector<std::string> order;
  std::istringstream lines(all.out);
  for (std::string line; std::getline(lines, line);) {
    order.push_back(line.substr(line.find("/post/") + 6, 3));  // ".../post/100.json  # ..."
  }
  EXPECT_EQ(order, (std::vector<std::string>{"100", "101", "102", "200", "201"})) << all.out;

  auto batch = run_oneall(run_args({"--dry-run", "--batch", "2", "--json"}), sandbox_env());
  ASSERT_EQ(batch.exit_code, 0) << batch.err;
  EXPECT_EQ(std::count(batch.out.begin(), batch.out.end(), '\n'), 2) << batch.out;
  EXPECT_NE(batch.out.find(R"("method":"DELETE")"), std::string::npos) << batch.out;
  EXPECT_EQ(batch.out.find("/post/100.json"), std::string::npos) << batch.out;

  const QueueStates after = queue_states(db_);
  EXPECT_EQ(after.pending, 5);
  EXPECT_EQ(after.total, 5);
  EXPECT_EQ(server_->stats().requests, 0u);
  auto status = run_oneall({"status", "--json", "--db", db_});
  EXPECT_NE(status.out.find(R"("last_run":null)"), std::string::npos) << "no run was recorded";
}

TEST_F(RunCronE2e, DryRunWithoutAQueueIsAnErrorAndCreatesNone) {
  auto run = run_oneall({"run", "--dry-run", "--db", db_}, {});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("there is no queue at"), std::string::npos) << run.err;
  EXPECT_FALSE(std::filesystem::exists(db_));
}

TEST(RunCronE2eUsage, BadRatesDeadlinesAndBackoffsExitTwoAndSayWhatIsAccepted) {
  TempDir dir;
  const std::vector<std::vector<std::string>> bad = {
      {"--rate", "0"},
      {"--rate", "-3"},
      {"--rate", "fast"},
      {"--rate", "20/week"},
      {"--identity-rate", "0/s"},
      {"--identity-rate", "x"},
      {"--deadline", "0"},
      {"--deadline", "10x"},
      {"--deadline", "1h30"},
      {"--deadline", "tomorrow"},
      {"--max-auth-failures", "-1"},
      {"--retry-base", "soon"},
      {"--retry-cap", "0"},
      {"--retry-cap", "100ms"},  // below the default --retry-base of 500ms
  };
  for (const auto& args : bad) {
    std::vector<std::string> command{"run", "--sandbox", "--db", dir.file("q.db")};
    command.insert(command.end(), args.begin(), args.end());
    auto run = run_oneall(command);
    EXPECT_EQ(run.exit_code, 2) << args[0] << ' ' << args[1] << ": " << run.err;
    EXPECT_NE(run.err.find(args[0]), std::string::npos) << run.err;
  }
  EXPECT_FALSE(std::filesystem::exists(dir.file("q.db"))) << "refused before touching the queue";
}

TEST_F(RunCronE2e, QuietSuccessPrintsNothingOnStderrAndJsonCarriesTheStop) {
  start_sandbox(0);
  const std::string jobs = dir_.write("jobs.yaml", tweet_deletes(5));
  auto run = run_oneall(run_args({jobs, "--quiet", "--json", "--rate", "600/min"}), sandbox_env());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "");
  simdjson::dom::parser parser;
  simdjson::dom::element summary;
  ASSERT_EQ(parser.parse(run.out).get(summary), simdjson::SUCCESS) << run.out;
  EXPECT_EQ(summary["succeeded"].get_int64().value(), 5);
  EXPECT_EQ(std::string_view(summary["stop_cause"].get_string().value()), "none");
  EXPECT_EQ(std::string_view(summary["stop_reason"].get_string().value()), "");
  // 5 requests at 10/s with a burst of 2: the last starts 300 ms after the first. The rate is
  // the requests over the run's duration (to the 2 decimals printed).
  const std::int64_t requests = summary["requests"].get_int64().value();
  const std::int64_t duration_ms = summary["duration_ms"].get_int64().value();
  EXPECT_EQ(requests, 5);
  EXPECT_GE(duration_ms, 290);
  EXPECT_NEAR(summary["rate_per_s"].get_double().value(),
              static_cast<double>(requests) * 1000.0 / static_cast<double>(duration_ms), 0.006);
}

TEST_F(RunCronE2e, NoProgressLineWhenStderrIsNotATerminal) {
  start_sandbox(0);
  const std::string jobs = dir_.write("jobs.yaml", tweet_deletes(5));
  auto run = run_oneall(run_args({jobs}), sandbox_env());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err.find('\r'), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find("\x1b["), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("run 1: 5 requests in "), std::string::npos) << run.err;
}

// stderr on a pseudo-terminal: the progress line is drawn in place and cleared at the end.
TEST_F(RunCronE2e, ProgressLineOnATerminal) {
  start_sandbox(150);  // 10 jobs, 2 at a time: 750 ms, long enough for a few redraws
  const std::string jobs = dir_.write("jobs.yaml", tweet_deletes(10));
  const int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  ASSERT_GE(master, 0);
  ASSERT_EQ(grantpt(master), 0);
  ASSERT_EQ(unlockpt(master), 0);
  const int terminal = open(ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
  ASSERT_GE(terminal, 0);
  std::string screen;
  {
    ChildProcess run(run_args({jobs, "--concurrency", "2"}), sandbox_env(), dir_.path(), terminal);
    close(terminal);  // the child's copy is the only one left: EIO once it exits
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd ready{master, POLLIN, 0};
      if (poll(&ready, 1, 100) <= 0) continue;
      char buffer[4096];
      const ssize_t n = read(master, buffer, sizeof buffer);
      if (n <= 0) break;
      screen.append(buffer, static_cast<std::size_t>(n));
    }
    EXPECT_EQ(run.wait(5s), 0) << screen;
  }
  close(master);
  EXPECT_NE(screen.find("/10 jobs ("), std::string::npos) << screen;
  // Redrawn in place: at least two drawings of the line, each starting with "\r" over the last
  // (the clear at the end does not count: it draws no line).
  std::size_t drawings = 0;
  for (std::size_t at = screen.find('\r'); at != std::string::npos;) {
    const std::size_t next = screen.find('\r', at + 1);
    const std::string drawn =
        screen.substr(at + 1, next == std::string::npos ? next : next - at - 1);
    if (!drawn.empty() && std::isdigit(static_cast<unsigned char>(drawn[0])) &&
        drawn.find("/10 jobs (") != std::string::npos) {
      ++drawings;
    }
    at = next;
  }
  EXPECT_GE(drawings, 2u) << "redrawn in place: " << screen;
  EXPECT_NE(screen.find("\x1b[K\r"), std::string::npos) << screen;
  EXPECT_NE(screen.find("req/s"), std::string::npos) << screen;
  EXPECT_NE(screen.find("ETA"), std::string::npos) << screen;
  // Cleared before the summary, which starts on a clean line.
  EXPECT_NE(screen.find("\r\x1b[Krun 1: 10 requests in "), std::string::npos) << screen;
}

}  // namespace
}  // namespace oneall
