// Pause and resume through the built binary against the sandbox (docs/cli.md#pause-and-resume):
// a pause from a second process stops a run's new requests within a second (on SQLite and on a
// PostgreSQL queue), the run ends with exit 0 leaving the paused jobs pending, and after
// `resume` a new run sends them all; a run on a paused batch sends nothing and exits 0; `status`
// shows the paused scope; pausing a batch that is not there is exit 2.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <stdio.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <thread>

#include "store/pg.hpp"
#include "store/sqlite.hpp"
#include "support/child_process.hpp"
#include "support/job_text.hpp"
#include "support/pg_test_database.hpp"
#include "support/process.hpp"
#include "support/queue_states.hpp"
#include "support/sandbox_fixture.hpp"
#include "support/temp_dir.hpp"

namespace oneall {
namespace {

using namespace std::chrono_literals;
using testing::ChildProcess;
using testing::run_oneall;
using testing::TempDir;

constexpr int kJobs = 120;

std::string tweet_deletes(int count, int first) {
  std::string text = fmt::format("defaults: {{identity: {}}}\njobs:\n", testing::kTestIdentity);
  for (int i = 0; i < count; ++i) {
    text +=
        fmt::format("  - {{op: delete, target: twitter.tweet, object_id: \"{}\"}}\n", first + i);
  }
  return text;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The attempt log's size and when its last request started, read straight from the queue.
struct Attempts {
  std::int64_t count = -1;
  std::int64_t last_started_at = -1;
};
constexpr const char* kAttemptsSql = "SELECT COUNT(*), COALESCE(MAX(started_at), 0) FROM attempts";

enum class Backend { kSqlite, kPostgres };

void PrintTo(Backend backend, std::ostream* out) {
  *out << (backend == Backend::kSqlite ? "SQLite" : "PostgreSQL");
}

class PauseE2e : public testing::SandboxFixture, public ::testing::WithParamInterface<Backend> {
 protected:
  void SetUp() override {
    SandboxFixture::SetUp();
    sandbox::SandboxOptions options;
    options.latency_ms = 40;  // requests are in flight when the pause comes
    restart_sandbox(options);
    if (GetParam() == Backend::kPostgres) pg_.emplace();
    db_ = pg_ ? pg_->uri() : dir_.file("q.db");
    const auto credentials = api::sandbox_credentials();
    env_ = {{"ONEALL_BULK_DB", ""},
            {"ONEALL_SUBDOMAIN", credentials.subdomain},
            {"ONEALL_PUBLIC_KEY", credentials.public_key},
            {"ONEALL_PRIVATE_KEY", credentials.private_key}};
  }

  std::vector<std::string> run_args() const {
    // A slow rate: the run holds claimed jobs (twice the concurrency) that wait for their slot
    // when the pause comes, two seconds' worth; sent anyway, the last would start 2 s late.
    return {"run", "--db",          db_, "--endpoint", base_url(), "--rate",
            "4",   "--concurrency", "4", "--json"};
  }

  Attempts attempts() {
    if (pg_) {
      auto connection = store::PgConnection::connect(db_);
      EXPECT_TRUE(connection.ok()) << connection.error().message;
      if (!connection.ok()) return {};
      store::PgRows rows = connection->query(kAttemptsSql);
      return {rows.integer(0, 0), rows.integer(0, 1)};
    }
    store::Database db = store::Database::open(db_, store::Database::Create::kNever);
    store::Statement select(db, kAttemptsSql);
    EXPECT_TRUE(select.step());
    return {select.column_int(0), select.column_int(1)};
  }

  TempDir dir_;
  std::optional<testing::PgTestDatabase> pg_;
  std::string db_;
  std::map<std::string, std::string> env_;
};

TEST_P(PauseE2e, APauseDuringARunStopsNewRequestsWithinASecondAndResumeFinishesTheJobs) {
  const std::string jobs = dir_.write("jobs.yaml", tweet_deletes(kJobs, 1000));
  auto imported = run_oneall({"import", "--db", db_, jobs}, env_);
  ASSERT_EQ(imported.exit_code, 0) << imported.err;

  ChildProcess run(run_args(), env_, dir_.path());
  ASSERT_TRUE(run.wait_for_err("job(s) to send to", 10s)) << run.err();
  const auto sending_by = std::chrono::steady_clock::now() + 20s;
  while (stats().applied < 3 && std::chrono::steady_clock::now() < sending_by) {
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_GE(stats().applied, 3u) << run.err();

  auto paused = run_oneall({"pause", "--db", db_}, env_);
  const std::int64_t paused_at = now_ms();
  ASSERT_EQ(paused.exit_code, 0) << paused.err;
  EXPECT_NE(paused.out.find("paused the queue"), std::string::npos) << paused.out;

  // The run finishes what it has in flight, starts nothing more, and ends: nothing it may take
  // is left.
  EXPECT_EQ(run.wait(20s), 0) << run.err();
  EXPECT_NE(run.err().find("wait in paused scopes (queue); `oneall-bulk resume` lets runs"),
            std::string::npos)
      << run.err();
  const Attempts sent = attempts();
  EXPECT_LE(sent.last_started_at, paused_at + 1000)
      << "a request started " << sent.last_started_at - paused_at << " ms after the pause";
  EXPECT_LT(sent.count, kJobs);
  EXPECT_EQ(stats().applied, static_cast<std::uint64_t>(sent.count));  // the log has them all
  EXPECT_NE(run.out().find(fmt::format(R"("jobs_paused":{})", kJobs - sent.count)),
            std::string::npos)
      << run.out();
  std::cout << "[ figures  ] " << sent.count << " requests before the pause; the last started "
            << sent.last_started_at - paused_at << " ms after it returned\n";

  // Nothing is sent while paused, however long one waits.
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(stats().applied, static_cast<std::uint64_t>(sent.count));

  auto resumed = run_oneall({"resume", "--db", db_, "--json"}, env_);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.out.find(R"("scope":"queue","resumed":true)"), std::string::npos)
      << resumed.out;
  auto again =
      run_oneall({"run", "--db", db_, "--endpoint", base_url(), "--concurrency", "8"}, env_);
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(stats().applied, static_cast<std::uint64_t>(kJobs));
  EXPECT_EQ(stats().repeated, 0u);
  EXPECT_EQ(attempts().count, kJobs);
}

TEST_P(PauseE2e, ARunOnAPausedBatchSendsNothingExitsZeroAndStatusShowsTheScope) {
  const std::string first = dir_.write("first.yaml", tweet_deletes(3, 1));
  const std::string second = dir_.write("second.yaml", tweet_deletes(4, 100));
  ASSERT_EQ(run_oneall({"import", "--db", db_, first}, env_).exit_code, 0);
  ASSERT_EQ(run_oneall({"import", "--db", db_, second}, env_).exit_code, 0);

  auto unknown = run_oneall({"pause", "--db", db_, "--batch", "9"}, env_);
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("pause: batch 9 is not in"), std::string::npos) << unknown.err;

  auto paused = run_oneall({"pause", "--db", db_, "--batch", "2"}, env_);
  ASSERT_EQ(paused.exit_code, 0) << paused.err;
  EXPECT_NE(paused.out.find("queue: "), std::string::npos);  // the queue in its first line
  auto twice = run_oneall({"pause", "--db", db_, "--batch", "2", "--json"}, env_);
  EXPECT_EQ(twice.exit_code, 0) << twice.err;
  EXPECT_NE(twice.out.find(R"("scope":"batch:2","paused":false)"), std::string::npos) << twice.out;

  auto status = run_oneall({"status", "--db", db_}, env_);
  EXPECT_NE(status.out.find("paused: batch:2 since "), std::string::npos) << status.out;
  auto json = run_oneall({"status", "--db", db_, "--json"}, env_);
  EXPECT_NE(json.out.find(R"("paused":[{"scope":"batch:2","paused_at":)"), std::string::npos)
      << json.out;
  auto metrics = run_oneall({"status", "--db", db_, "--format", "prometheus"}, env_);
  EXPECT_NE(metrics.out.find("oneall_bulk_paused{scope=\"batch:2\"} 1\n"), std::string::npos)
      << metrics.out;
  // promtool (Debian's prometheus package) finds nothing wrong with it, lint included.
  const std::string prom = dir_.write("paused.prom", metrics.out);
  std::string checked;
  FILE* pipe = ::popen(("promtool check metrics < " + prom + " 2>&1").c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) checked.append(buffer, n);
  EXPECT_EQ(::pclose(pipe), 0) << checked;
  EXPECT_EQ(checked, "") << metrics.out;

  // A dry run shows what a run would send: batch 1's jobs, none of batch 2's.
  auto dry = run_oneall({"run", "--dry-run", "--db", db_}, env_);
  EXPECT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.err.find("dry run: 3 pending request(s)"), std::string::npos) << dry.err;

  // Only batch 2 is asked for: nothing is sent, nothing is left for this run, exit 0.
  auto on_paused =
      run_oneall({"run", "--db", db_, "--endpoint", base_url(), "--batch", "2", "--json"}, env_);
  EXPECT_EQ(on_paused.exit_code, 0) << on_paused.err;
  EXPECT_NE(on_paused.out.find(R"("jobs_left":0,"jobs_pending":4,)"), std::string::npos)
      << on_paused.out;
  EXPECT_NE(on_paused.out.find(R"("jobs_paused":4,)"), std::string::npos) << on_paused.out;
  EXPECT_EQ(stats().requests, 0u);

  // The whole queue: batch 1 is sent, batch 2 waits, and that is a success.
  auto whole = run_oneall({"run", "--db", db_, "--endpoint", base_url()}, env_);
  EXPECT_EQ(whole.exit_code, 0) << whole.err;
  EXPECT_NE(whole.err.find("4 job(s) wait in paused scopes (batch:2); `oneall-bulk resume "
                           "--batch 2` lets runs take them"),
            std::string::npos)
      << whole.err;
  EXPECT_EQ(stats().applied, 3u);

  auto resumed = run_oneall({"resume", "--db", db_, "--batch", "2"}, env_);
  EXPECT_NE(resumed.out.find("resumed batch 2 (batch:2)"), std::string::npos) << resumed.out;
  auto not_paused = run_oneall({"resume", "--db", db_, "--batch", "2"}, env_);
  EXPECT_EQ(not_paused.exit_code, 0);
  EXPECT_NE(not_paused.out.find("was not paused; nothing changed"), std::string::npos);
  EXPECT_EQ(run_oneall({"run", "--db", db_, "--endpoint", base_url()}, env_).exit_code, 0);
  EXPECT_EQ(stats().applied, 7u);
}

std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
}

INSTANTIATE_TEST_SUITE_P(Backends, PauseE2e,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres), backend_name);

}  // namespace
}  // namespace oneall
