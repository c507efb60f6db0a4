// Many runners on one PostgreSQL queue (docs/cli.md#many-runners), through the built binary
// against one sandbox: three runs share the work, per-object order holds across them, one is
// killed with -9 and another is cut off from the database mid-run, and still every job ends
// succeeded, each change applied once but for the repeats the log shows as interrupted, and the
// audit chain intact.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <string>
#include <thread>

#include "store/pg.hpp"
#include "support/child_process.hpp"
#include "support/freezable_pg_proxy.hpp"
#include "support/pg_test_database.hpp"
#include "support/process.hpp"
#include "support/sandbox_fixture.hpp"
#include "support/temp_dir.hpp"

namespace oneall {
namespace {

using namespace std::chrono_literals;
using testing::ChildProcess;
using testing::FreezablePgProxy;
using testing::PgTestDatabase;
using testing::run_oneall;
using testing::TempDir;

constexpr const char* kStarted = "job(s) to send to";
constexpr const char* kIdentity = "2af20011-8965-471b-8f6b-8b66a611aae6";

// Per pin: two updates and then a delete, in that order (a delete sent before an update leaves
// the update a 404, a failed job); and a tweet delete each.
std::string jobs_csv(int pins) {
  std::string csv = "op,target,identity,object_id,link\n";
  for (int i = 0; i < pins; ++i) {
    const std::string pin = fmt::format("35296968{:010}", i);
    csv += fmt::format("update,pinterest.pin,{},{},https://a.example.com/{}\n", kIdentity, pin, i);
    csv += fmt::format("update,pinterest.pin,{},{},https://b.example.com/{}\n", kIdentity, pin, i);
    csv += fmt::format("delete,pinterest.pin,{},{},\n", kIdentity, pin);
    csv += fmt::format("delete,twitter.tweet,{},{},\n", kIdentity, 1000000 + i);
  }
  return csv;
}

std::int64_t count(const std::string& uri, const std::string& sql) {
  auto connection = store::PgConnection::connect(uri);
  EXPECT_TRUE(connection.ok()) << connection.error().message;
  return connection.ok() ? connection->query(sql).integer(0, 0) : -1;
}

class PgManyRunnersE2e : public testing::SandboxFixture {
 protected:
  void SetUp() override {
    SandboxFixture::SetUp();
    sandbox::SandboxOptions options;
    options.latency_ms = 60;
    restart_sandbox(options);
    const auto credentials = api::sandbox_credentials();
    env_ = {{"ONEALL_BULK_DB", ""},
            {"ONEALL_SUBDOMAIN", credentials.subdomain},
            {"ONEALL_PUBLIC_KEY", credentials.public_key},
            {"ONEALL_PRIVATE_KEY", credentials.private_key}};
  }

  std::vector<std::string> run_args(const std::string& uri) const {
    return {"run", "--db",      uri,  "--endpoint", base_url(), "--concurrency",
            "4",   "--timeout", "1s", "--lease",    "10s"};
  }

  TempDir dir_;
  PgTestDatabase database_;
  std::map<std::string, std::string> env_;
};

TEST_F(PgManyRunnersE2e, ThreeRunnersLoseNothingWhenOneIsKilledAndOneIsCutOff) {
  constexpr int kPins = 150;
  constexpr int kJobs = 4 * kPins;
  const std::string jobs = dir_.write("jobs.csv", jobs_csv(kPins));
  auto imported = run_oneall({"import", "--db", database_.uri(), jobs}, env_);
  ASSERT_EQ(imported.exit_code, 0) << imported.err;

  FreezablePgProxy proxy(database_.uri());
  ChildProcess killed(run_args(database_.uri()), env_, dir_.path());
  ChildProcess cut_off(run_args(proxy.uri()), env_, dir_.path());
  ChildProcess survivor(run_args(database_.uri()), env_, dir_.path());
  ASSERT_TRUE(killed.wait_for_err(kStarted, 10s)) << killed.err();
  ASSERT_TRUE(cut_off.wait_for_err(kStarted, 10s)) << cut_off.err();
  ASSERT_TRUE(survivor.wait_for_err(kStarted, 10s)) << survivor.err();

  // All three are listed as working the queue.
  auto status = run_oneall({"status", "--json", "--db", database_.uri()}, env_);
  ASSERT_EQ(status.exit_code, 0) << status.err;
  for (const ChildProcess* run : {&killed, &cut_off, &survivor}) {
    EXPECT_NE(status.out.find(fmt::format(R"("pid":{},)", run->pid())), std::string::npos)
        << status.out;
  }

  std::this_thread::sleep_for(500ms);
  killed.signal(SIGKILL);
  proxy.freeze();
  EXPECT_EQ(killed.wait(5s), -1);
  // The cut-off run stops before its leases could run out (10 s), and says why.
  EXPECT_EQ(cut_off.wait(10s), 5) << cut_off.err();
  EXPECT_NE(cut_off.err().find("confirmed no lease renewal"), std::string::npos) << cut_off.err();
  // The survivor waits for the jobs the other two held and sends them once their leases end.
  EXPECT_EQ(survivor.wait(60s), 0) << survivor.err();

  const std::string uri = database_.uri();
  // All succeeded: had a pin's delete overtaken one of its updates (per-object order broken
  // across runners), the update would have failed with a 404.
  EXPECT_EQ(count(uri, "SELECT COUNT(*) FROM jobs WHERE state = 'succeeded'"), kJobs);
  EXPECT_EQ(count(uri, "SELECT COUNT(*) FROM in_flight"), 0);
  const std::int64_t interrupted =
      count(uri, "SELECT COUNT(*) FROM attempts WHERE outcome = 'interrupted'");
  EXPECT_GT(interrupted, 0) << "the killed and the cut-off runs held jobs";
  // Every change made; a change sent twice only for an attempt the log shows as interrupted.
  EXPECT_EQ(stats().applied, static_cast<std::uint64_t>(kJobs));
  EXPECT_LE(stats().repeated, static_cast<std::uint64_t>(interrupted));

  auto verify = run_oneall({"audit", "verify", "--db", uri}, env_);
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  // Nobody is left listed as working the queue.
  auto after = run_oneall({"status", "--json", "--db", uri}, env_);
  EXPECT_NE(after.out.find(R"("live_runs":[])"), std::string::npos) << after.out;
}

}  // namespace
}  // namespace oneall
