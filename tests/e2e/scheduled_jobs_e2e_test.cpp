// Jobs on a schedule through the real binary against the sandbox over loopback (README, "Jobs on
// a schedule"): a run sends what is due, waits for what falls due before its --deadline, and
// ends with exit 0 leaving next year's job scheduled; a job past its expires_at is cancelled
// ('expired') and never reaches the sandbox; validate points at bad times with file:line:column;
// and the same run on PostgreSQL.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <map>
#include <string>
#include <thread>

#include "api/credentials.hpp"
#include "support/pg_test_database.hpp"
#include "support/process.hpp"
#include "support/sandbox_fixture.hpp"
#include "support/temp_dir.hpp"
#include "util/clock.hpp"

namespace oneall {
namespace {

using namespace std::chrono_literals;
using testing::run_oneall;

constexpr const char* kIdentity = "2af20011-8965-471b-8f6b-8b66a611aae6";
constexpr EpochMs kYearMs = 365LL * 86'400'000;

std::map<std::string, std::string> sandbox_env() {
  const auto credentials = api::sandbox_credentials();
  return {{"ONEALL_SUBDOMAIN", credentials.subdomain},
          {"ONEALL_PUBLIC_KEY", credentials.public_key},
          {"ONEALL_PRIVATE_KEY", credentials.private_key}};
}

// A CSV row: a tweet delete with the given times (empty: none).
std::string row(int object_id, const std::string& not_before, const std::string& expires_at) {
  return fmt::format("delete,twitter.tweet,{},{},{},{}\n", kIdentity, object_id, not_before,
                     expires_at);
}
constexpr const char* kHeader = "op,target,identity,object_id,not_before,expires_at\n";

std::int64_t json_int(simdjson::dom::element element, const char* key) {
  std::int64_t value = -1;
  EXPECT_EQ(element[key].get(value), simdjson::SUCCESS) << key;
  return value;
}

std::string json_text(simdjson::dom::element element, const char* key) {
  std::string_view value;
  if (element[key].get(value) != simdjson::SUCCESS) return "null";
  return std::string(value);
}

class ScheduledJobsE2e : public testing::SandboxFixture {
 protected:
  // A queue with jobs due in the past, in two seconds and next year, run with --deadline 10s:
  // the first two are sent, the run ends soon after the second (not at the deadline), with exit
  // 0, and next year's job is left scheduled, as status says.
  void run_due_soon_and_next_year(const std::string& db) {
    const EpochMs now = SystemClock().now_ms();
    const std::string next_year = format_utc_ms(now + kYearMs);
    const std::string jobs = dir_.write(
        "campaign.csv", std::string(kHeader) + row(1, format_utc_ms(now - 3'600'000), "") +
                            row(2, format_utc_ms(now + 2'000), "") + row(3, next_year, ""));
    const auto imported = run_oneall({"import", "--db", db, jobs});
    ASSERT_EQ(imported.exit_code, 0) << imported.err;

    const auto started = std::chrono::steady_clock::now();
    const auto ran =
        run_oneall({"run", "--db", db, "--endpoint", base_url(), "--deadline", "10s", "--json"},
                   sandbox_env());
    const auto took = std::chrono::steady_clock::now() - started;
    ASSERT_EQ(ran.exit_code, 0) << ran.err;
    EXPECT_GE(took, 1500ms);  // it waited for the job due in two seconds ...
    EXPECT_LT(took, 6s);      // ... and not for the deadline
    EXPECT_EQ(stats().requests, 2u);
    EXPECT_NE(ran.err.find("1 job(s) scheduled for later, the next due at " + next_year),
              std::string::npos)
        << ran.err;

    simdjson::dom::parser parser;
    simdjson::dom::element summary;
    ASSERT_EQ(parser.parse(ran.out).get(summary), simdjson::SUCCESS) << ran.out;
    EXPECT_EQ(json_int(summary, "succeeded"), 2);
    EXPECT_EQ(json_int(summary, "jobs_left"), 0);
    EXPECT_EQ(json_int(summary, "jobs_scheduled"), 1);
    EXPECT_EQ(json_text(summary, "next_scheduled_at"), next_year);

    const auto status = run_oneall({"status", "--db", db, "--json"});
    ASSERT_EQ(status.exit_code, 0) << status.err;
    simdjson::dom::parser status_parser;
    simdjson::dom::element shown;
    ASSERT_EQ(status_parser.parse(status.out).get(shown), simdjson::SUCCESS) << status.out;
    EXPECT_EQ(json_int(shown["states"], "pending"), 1);
    EXPECT_EQ(json_int(shown["states"], "succeeded"), 2);
    EXPECT_EQ(json_int(shown, "scheduled"), 1);
    EXPECT_EQ(json_text(shown, "next_scheduled_at"), next_year);
  }

  testing::TempDir dir_;
};

TEST_F(ScheduledJobsE2e, ARunSendsWhatFallsDueBeforeItsDeadlineAndLeavesNextYearScheduled) {
  run_due_soon_and_next_year(dir_.file("queue.db"));
  const auto text = run_oneall({"status", "--db", dir_.file("queue.db")});
  EXPECT_NE(text.out.find("1 of the pending scheduled for later, the next due at"),
            std::string::npos)
      << text.out;
  const auto metrics =
      run_oneall({"status", "--db", dir_.file("queue.db"), "--format", "prometheus"});
  EXPECT_NE(metrics.out.find("\noneall_bulk_jobs_scheduled 1\n"), std::string::npos) << metrics.out;
  EXPECT_NE(metrics.out.find("\noneall_bulk_next_scheduled_timestamp_seconds "), std::string::npos)
      << metrics.out;
}

TEST_F(ScheduledJobsE2e, OnPostgresToo) {
  testing::PgTestDatabase database;
  run_due_soon_and_next_year(database.uri());
}

TEST_F(ScheduledJobsE2e, WithoutADeadlineARunDoesNotWaitForScheduledJobs) {
  const std::string db = dir_.file("queue.db");
  const EpochMs now = SystemClock().now_ms();
  const std::string jobs =
      dir_.write("later.csv", std::string(kHeader) + row(1, format_utc_ms(now + 60'000), ""));
  ASSERT_EQ(run_oneall({"import", "--db", db, jobs}).exit_code, 0);
  const auto started = std::chrono::steady_clock::now();
  const auto ran = run_oneall({"run", "--db", db, "--endpoint", base_url()}, sandbox_env());
  EXPECT_EQ(ran.exit_code, 0) << ran.err;  // nothing is left for now: not exit 4
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  EXPECT_EQ(stats().requests, 0u);
  EXPECT_NE(ran.err.find("0 job(s) still waiting in scope"), std::string::npos) << ran.err;
}

TEST_F(ScheduledJobsE2e, AJobPastItsExpiryIsCancelledAsExpiredAndNeverSent) {
  const std::string db = dir_.file("queue.db");
  const EpochMs now = SystemClock().now_ms();
  const std::string jobs = dir_.write(
      "expiring.csv", std::string(kHeader) + row(1, "", format_utc_ms(now + 500)) + row(2, "", ""));
  ASSERT_EQ(run_oneall({"import", "--db", db, jobs}).exit_code, 0);
  std::this_thread::sleep_for(700ms);
  const auto ran = run_oneall({"run", "--db", db, "--endpoint", base_url()}, sandbox_env());
  EXPECT_EQ(ran.exit_code, 0) << ran.err;
  EXPECT_EQ(stats().requests, 1u);  // job 2 only
  const auto report = run_oneall({"report", "--db", db, "--job", "1", "--format", "jsonl"});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  EXPECT_NE(report.out.find(R"("state":"cancelled")"), std::string::npos) << report.out;
  EXPECT_NE(report.out.find(R"("note":"expired")"), std::string::npos) << report.out;
  const auto audit = run_oneall({"audit", "--db", db, "--job", "1"});
  EXPECT_EQ(audit.out, "");  // no attempt: nothing was sent
}

// report --format jobfile keeps a job's schedule: written back and imported again, it is the
// same job (the same key), not a new one.
TEST_F(ScheduledJobsE2e, AJobFileReportKeepsTheScheduleAndImportsAsTheSameJobs) {
  const std::string db = dir_.file("queue.db");
  const std::string jobs = dir_.write(
      "later.yaml",
      fmt::format("defaults: {{op: delete, target: twitter.tweet, identity: {}, "
                  "not_before: 2030-01-01T00:00:00.5+01:00, expires_at: 2030-01-02T00:00:00Z}}\n"
                  "jobs:\n  - {{object_id: \"1\"}}\n",
                  kIdentity));
  ASSERT_EQ(run_oneall({"import", "--db", db, jobs}).exit_code, 0);
  const std::string file = dir_.file("again.csv");
  const auto report = run_oneall({"report", "--db", db, "--format", "jobfile", "--out", file});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  const auto again = run_oneall({"import", "--db", db, file});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("0 new, 1 already queued (1 pending)"), std::string::npos) << again.out;
  const auto listed = run_oneall({"report", "--db", db, "--format", "jobfile"});
  EXPECT_NE(listed.out.find(",2029-12-31T23:00:00.500Z,2030-01-02T00:00:00.000Z\n"),
            std::string::npos)
      << listed.out;
}

TEST_F(ScheduledJobsE2e, ValidatePointsAtBadTimesInYamlAndCsv) {
  const std::string yaml = dir_.write(
      "jobs.yaml",
      fmt::format("defaults: {{op: delete, target: twitter.tweet, identity: {}}}\njobs:\n"
                  "  - object_id: \"1\"\n    not_before: 2026-12-31T23:00:00\n"
                  "  - object_id: \"2\"\n    not_before: 2027-01-01T00:00:00Z\n"
                  "    expires_at: 2026-12-31T23:00:00Z\n",
                  kIdentity));
  const auto yaml_check = run_oneall({"validate", yaml});
  EXPECT_EQ(yaml_check.exit_code, 2);
  EXPECT_NE(yaml_check.err.find(yaml + ":4:17: not_before: \"2026-12-31T23:00:00\" is not a time: "
                                       "it has no zone"),
            std::string::npos)
      << yaml_check.err;
  EXPECT_NE(yaml_check.err.find(yaml + ":7:17: expires_at: must be later than not_before"),
            std::string::npos)
      << yaml_check.err;

  const std::string csv =
      dir_.write("jobs.csv", std::string(kHeader) + row(1, "2026-02-30T00:00:00Z", ""));
  const auto csv_check = run_oneall({"validate", csv});
  EXPECT_EQ(csv_check.exit_code, 2);
  EXPECT_NE(csv_check.err.find(csv + ":2:5: not_before: \"2026-02-30T00:00:00Z\" is not a time: "
                                     "2026-02 has no day 30"),
            std::string::npos)
      << csv_check.err;
}

}  // namespace
}  // namespace oneall
