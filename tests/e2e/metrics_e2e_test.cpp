// Prometheus metrics through the real binary, on a SQLite file and on a PostgreSQL database:
// run --metrics-file against the sandbox writes its file at the start, again while the run goes
// and at its end; status --format prometheus gives the queue's gauges, the same numbers as
// status --json. `promtool check metrics` (Debian's prometheus package) must find nothing
// wrong with either, lint included. The README's alert rules pass `promtool check rules` and
// fire, in `promtool test rules`, when and only when they should.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <simdjson.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "cli/exposition_samples.hpp"
#include "support/child_process.hpp"
#include "support/job_text.hpp"
#include "support/pg_test_database.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace oneall {
namespace {

using namespace std::chrono_literals;
using cli::testing::exposition_samples;
using testing::ChildProcess;
using testing::PgTestDatabase;
using testing::run_oneall;
using testing::TempDir;

constexpr int kJobs = 30;

std::string tweet_deletes(int count) {
  std::string yaml = fmt::format("defaults: {{identity: {}}}\njobs:\n", testing::kTestIdentity);
  for (int i = 0; i < count; ++i) {
    yaml += fmt::format("  - {{op: delete, target: twitter.tweet, object_id: \"{}\"}}\n", 500 + i);
  }
  return yaml;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

struct ToolResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// promtool with `args` (paths from the test's own folder: nothing to quote).
ToolResult promtool(const std::string& args) {
  ToolResult result;
  FILE* pipe = ::popen(("promtool " + args + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe))
    result.output.append(buffer, n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// `promtool check metrics` on `text`: no error and no lint finding.
void expect_promtool_accepts(const TempDir& dir, const std::string& text, const char* what) {
  const std::string path = dir.write("check.prom", text);
  const ToolResult checked = promtool("check metrics < " + path);
  EXPECT_EQ(checked.exit_code, 0) << what << ": " << checked.output << "\n" << text;
  EXPECT_EQ(checked.output, "") << what << ":\n" << text;
}

std::string sample(const std::string& text, const std::string& series) {
  const auto samples = exposition_samples(text);
  const auto it = samples.find(series);
  return it == samples.end() ? "(absent)" : it->second;
}

// Waits until the file at `path` satisfies `ready`; its text then, or "" after `limit`.
template <typename Ready>
std::string wait_for_file(const std::string& path, Ready ready, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (std::filesystem::exists(path)) {
      std::string text = read_file(path);
      if (ready(text)) return text;
    }
    std::this_thread::sleep_for(20ms);
  }
  return "";
}

// "2026-11-28T22:03:30.123Z" as seconds since the epoch, as the exposition writes them.
std::string epoch_seconds(std::string_view utc) {
  std::tm parts{};
  const std::string text(utc);
  const char* rest = ::strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &parts);
  if (rest == nullptr) return "(not a time: " + text + ")";
  const long long ms = static_cast<long long>(::timegm(&parts)) * 1000 + std::atoi(rest + 1);
  return fmt::format("{}", static_cast<double>(ms) / 1000.0);
}

class MetricsE2e : public ::testing::TestWithParam<bool> {
 protected:
  MetricsE2e() {
    if (GetParam()) pg_ = std::make_unique<PgTestDatabase>();
    db_ = pg_ ? pg_->uri() : dir_.file("queue.db");
  }

  TempDir dir_;
  std::unique_ptr<PgTestDatabase> pg_;
  std::string db_;
};

TEST_P(MetricsE2e, ARunKeepsItsMetricsFileAndStatusPrintsTheQueuesGauges) {
  const std::string jobs = dir_.write("jobs.yaml", tweet_deletes(kJobs));
  const std::string metrics = dir_.file("oneall-bulk.prom");
  // Two at a time, 400 ms each: about 6 s, past the file's first rewrite at 5 s.
  ChildProcess run({"run", "--db", db_, "--sandbox", "--sandbox-latency", "400", "--concurrency",
                    "2", "--metrics-file", metrics, jobs},
                   {}, dir_.path().string());

  const std::string at_start = wait_for_file(
      metrics, [](const std::string& text) { return !text.empty(); }, 20s);
  ASSERT_NE(at_start, "") << run.err();
  EXPECT_EQ(sample(at_start, "oneall_bulk_run_in_progress"), "1");
  expect_promtool_accepts(dir_, at_start, "the file at the start");

  const std::string during = wait_for_file(
      metrics,
      [](const std::string& text) {
        return sample(text, "oneall_bulk_run_in_progress") == "1" &&
               sample(text, R"(oneall_bulk_requests_total{outcome="succeeded"})") != "0";
      },
      20s);
  ASSERT_NE(during, "") << "no rewrite while the run went: " << read_file(metrics) << run.err();
  expect_promtool_accepts(dir_, during, "the file during the run");

  ASSERT_EQ(run.wait(60s), 0) << run.err();
  const std::string at_end = read_file(metrics);
  expect_promtool_accepts(dir_, at_end, "the file at the end");
  EXPECT_EQ(sample(at_end, "oneall_bulk_run_in_progress"), "0");
  EXPECT_EQ(sample(at_end, "oneall_bulk_run_exit_code"), "0");
  const std::string all = std::to_string(kJobs);
  EXPECT_EQ(sample(at_end, R"(oneall_bulk_requests_total{outcome="succeeded"})"), all);
  EXPECT_EQ(sample(at_end, R"(oneall_bulk_http_responses_total{code="2xx"})"), all);
  EXPECT_EQ(sample(at_end, R"(oneall_bulk_request_duration_seconds_bucket{le="0.25"})"), "0");
  EXPECT_EQ(sample(at_end, R"(oneall_bulk_request_duration_seconds_bucket{le="+Inf"})"), all);
  EXPECT_EQ(sample(at_end, "oneall_bulk_request_duration_seconds_count"), all);
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
    EXPECT_NE(entry.path().filename().string().rfind(".oneall-bulk.prom", 0), 0u)
        << "a new file was left beside the metrics file: " << entry.path();
  }

  const auto gauges = run_oneall({"status", "--db", db_, "--format", "prometheus"});
  ASSERT_EQ(gauges.exit_code, 0) << gauges.err;
  expect_promtool_accepts(dir_, gauges.out, "status --format prometheus");
  const auto json = run_oneall({"status", "--db", db_, "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(json.out);
  for (const char* state : {"pending", "running", "succeeded", "failed", "dead", "cancelled"}) {
    EXPECT_EQ(sample(gauges.out, fmt::format(R"(oneall_bulk_jobs{{state="{}"}})", state)),
              std::to_string(int64_t(doc["states"][state])))
        << state;
  }
  EXPECT_EQ(sample(gauges.out, "oneall_bulk_last_run_exit_code"),
            std::to_string(int64_t(doc["last_run"]["exit_code"])));
  EXPECT_EQ(sample(gauges.out, "oneall_bulk_last_run_start_timestamp_seconds"),
            epoch_seconds(std::string_view(doc["last_run"]["started_at"])));
  EXPECT_EQ(sample(gauges.out, "oneall_bulk_last_run_end_timestamp_seconds"),
            epoch_seconds(std::string_view(doc["last_run"]["ended_at"])));
  EXPECT_EQ(sample(gauges.out, "oneall_bulk_last_success_timestamp_seconds"),
            epoch_seconds(std::string_view(doc["last_run"]["ended_at"])));
  EXPECT_EQ(sample(gauges.out, "oneall_bulk_live_runs"),
            std::to_string(simdjson::dom::array(doc["live_runs"]).size()));
  EXPECT_EQ(sample(gauges.out, "oneall_bulk_oldest_due_job_age_seconds"), "0");
}

// A metrics file that cannot be written stops the run before anything is sent.
TEST_P(MetricsE2e, AMetricsFileThatCannotBeWrittenStopsTheRunBeforeSending) {
  const std::string jobs = dir_.write("jobs.yaml", tweet_deletes(2));
  const auto run = run_oneall({"run", "--db", db_, "--sandbox", "--metrics-file",
                               dir_.file("missing/oneall-bulk.prom"), jobs});
  EXPECT_EQ(run.exit_code, 5) << run.err;
  EXPECT_NE(run.err.find("cannot write the metrics file"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("nothing was sent"), std::string::npos) << run.err;
  const auto gauges = run_oneall({"status", "--db", db_, "--format", "prometheus"});
  EXPECT_EQ(sample(gauges.out, R"(oneall_bulk_jobs{state="pending"})"), "2") << gauges.out;
  EXPECT_EQ(sample(gauges.out, "oneall_bulk_last_run_exit_code"), "5") << gauges.out;
}

INSTANTIATE_TEST_SUITE_P(Backends, MetricsE2e, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "Postgres" : "Sqlite";
                         });

// The alert rules the README gives, as a rules file: the YAML block that starts with "groups:".
std::string readme_rules() {
  const std::string readme = read_file(std::string(ONEALL_SOURCE_DIR) + "/README.md");
  const std::size_t start = readme.find("```yaml\ngroups:");
  if (start == std::string::npos) return "";
  const std::size_t body = start + std::string("```yaml\n").size();
  return readme.substr(body, readme.find("```", body) - body);
}

TEST(MetricsAlertRules, TheReadmesRulesPassPromtoolAndFireWhenTheyShould) {
  TempDir dir;
  const std::string rules = readme_rules();
  ASSERT_NE(rules, "") << "README.md has no ```yaml block starting with groups:";
  dir.write("rules.yml", rules);
  const ToolResult checked = promtool("check rules " + dir.file("rules.yml"));
  EXPECT_EQ(checked.exit_code, 0) << checked.output;

  // promtool's clock starts at 0. Host "stale" last succeeded at 0 and so alerts after 25 h;
  // host "fresh" succeeded a minute before each sample. Host "broken" has dead jobs from 10 min,
  // alerted on once they stayed 15 min.
  const std::string tests = dir.write("rules_test.yml", R"yaml(rule_files: [rules.yml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'oneall_bulk_last_success_timestamp_seconds{instance="stale"}'
        values: '0x1600'
      - series: 'oneall_bulk_last_success_timestamp_seconds{instance="fresh"}'
        values: '-60+60x1600'
      - series: 'oneall_bulk_jobs{instance="fresh",state="dead"}'
        values: '0x1600'
      - series: 'oneall_bulk_jobs{instance="broken",state="dead"}'
        values: '0x10 3x1590'
    alert_rule_test:
      - eval_time: 24h
        alertname: OneallBulkNoSuccessfulRun
        exp_alerts: []
      - eval_time: 26h
        alertname: OneallBulkNoSuccessfulRun
        exp_alerts:
          - exp_labels: {instance: stale, severity: warning}
            exp_annotations:
              summary: "oneall-bulk on stale: no successful run in 25 hours"
      - eval_time: 20m
        alertname: OneallBulkDeadJobs
        exp_alerts: []
      - eval_time: 26h
        alertname: OneallBulkDeadJobs
        exp_alerts:
          - exp_labels: {instance: broken, state: dead, severity: warning}
            exp_annotations:
              summary: "oneall-bulk on broken: 3 dead jobs (oneall-bulk report --state dead)"
)yaml");
  const ToolResult tested = promtool("test rules " + tests);
  EXPECT_EQ(tested.exit_code, 0) << tested.output;
}

}  // namespace
}  // namespace oneall
