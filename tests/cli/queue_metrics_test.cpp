// The queue's gauges (status --format prometheus) from a QueueStatus: every state, times in
// seconds since the epoch, 0 for a time that never was, and no exit code before a run ended.
#include "cli/queue_metrics.hpp"

#include <gtest/gtest.h>

#include "cli/exposition_samples.hpp"

namespace oneall::cli {
namespace {

using testing::exposition_families;
using testing::exposition_samples;

constexpr EpochMs kNow = 1'796'440'562'709;

TEST(QueueMetrics, GivesEveryStateTheRunsAndTheWaitOfTheOldestDueJob) {
  store::QueueStatus status;
  status.by_state = {{store::JobState::kPending, 7},    {store::JobState::kRunning, 2},
                     {store::JobState::kSucceeded, 90}, {store::JobState::kFailed, 1},
                     {store::JobState::kDead, 3},       {store::JobState::kCancelled, 0}};
  status.oldest_due_since = kNow - 90'500;
  status.live_runs = {store::LiveRun{4, "host", 123, kNow - 1000, kNow - 10},
                      store::LiveRun{5, "host", 124, kNow - 500, kNow - 10}};
  status.last_run = store::RunRow{5, kNow - 500, std::nullopt, std::nullopt, 0};
  status.last_ended_run = store::RunRow{3, kNow - 86'400'000, kNow - 86'000'000, 1, 10};
  status.last_success_at = kNow - 172'800'000;
  status.scheduled = 4;
  status.next_scheduled_at = kNow + 3'600'000;

  const auto samples = exposition_samples(queue_metrics_text(status, kNow));
  EXPECT_EQ(samples.at(R"(oneall_bulk_jobs{state="pending"})"), "7");
  EXPECT_EQ(samples.at(R"(oneall_bulk_jobs{state="running"})"), "2");
  EXPECT_EQ(samples.at(R"(oneall_bulk_jobs{state="succeeded"})"), "90");
  EXPECT_EQ(samples.at(R"(oneall_bulk_jobs{state="failed"})"), "1");
  EXPECT_EQ(samples.at(R"(oneall_bulk_jobs{state="dead"})"), "3");
  EXPECT_EQ(samples.at(R"(oneall_bulk_jobs{state="cancelled"})"), "0");
  EXPECT_EQ(samples.at("oneall_bulk_oldest_due_job_age_seconds"), "90.5");
  EXPECT_EQ(samples.at("oneall_bulk_live_runs"), "2");
  EXPECT_EQ(samples.at("oneall_bulk_last_run_start_timestamp_seconds"), "1796440562.209");
  EXPECT_EQ(samples.at("oneall_bulk_last_run_end_timestamp_seconds"), "1796354562.709");
  EXPECT_EQ(samples.at("oneall_bulk_last_run_exit_code"), "1");
  EXPECT_EQ(samples.at("oneall_bulk_last_success_timestamp_seconds"), "1796267762.709");
  EXPECT_EQ(samples.at("oneall_bulk_jobs_scheduled"), "4");
  EXPECT_EQ(samples.at("oneall_bulk_next_scheduled_timestamp_seconds"), "1796444162.709");
  EXPECT_EQ(samples.size(), 14u);
}

TEST(QueueMetrics, EachPausedScopeIsOneSampleAndNoneWhenNothingIsPaused) {
  store::QueueStatus status;
  EXPECT_EQ(exposition_samples(queue_metrics_text(status, kNow))
                .count(R"(oneall_bulk_paused{scope="queue"})"),
            0u);
  status.paused = {{std::nullopt, kNow, "ann@host"}, {3, kNow, "bob@host"}};
  const auto samples = exposition_samples(queue_metrics_text(status, kNow));
  EXPECT_EQ(samples.at(R"(oneall_bulk_paused{scope="queue"})"), "1");
  EXPECT_EQ(samples.at(R"(oneall_bulk_paused{scope="batch:3"})"), "1");
}

TEST(QueueMetrics, ANewQueueHasZeroTimesAndNoExitCode) {
  store::QueueStatus status;  // no state counts either: each is written as 0
  const std::string text = queue_metrics_text(status, kNow);
  const auto samples = exposition_samples(text);
  EXPECT_EQ(samples.at(R"(oneall_bulk_jobs{state="dead"})"), "0");
  EXPECT_EQ(samples.at("oneall_bulk_oldest_due_job_age_seconds"), "0");
  EXPECT_EQ(samples.at("oneall_bulk_live_runs"), "0");
  EXPECT_EQ(samples.at("oneall_bulk_last_run_start_timestamp_seconds"), "0");
  EXPECT_EQ(samples.at("oneall_bulk_last_run_end_timestamp_seconds"), "0");
  EXPECT_EQ(samples.at("oneall_bulk_last_success_timestamp_seconds"), "0");
  EXPECT_EQ(samples.count("oneall_bulk_last_run_exit_code"), 0u);
  EXPECT_EQ(samples.at("oneall_bulk_jobs_scheduled"), "0");
  EXPECT_EQ(samples.count("oneall_bulk_next_scheduled_timestamp_seconds"), 0u);
  for (const std::string& family : exposition_families(text)) {
    EXPECT_EQ(family.rfind("oneall_bulk_", 0), 0u) << family;
  }
}

TEST(QueueMetrics, AJobDueInTheFutureHasNotWaited) {
  store::QueueStatus status;
  status.oldest_due_since = kNow + 5'000;  // the status was read a moment after `now`
  EXPECT_EQ(exposition_samples(queue_metrics_text(status, kNow))
                .at("oneall_bulk_oldest_due_job_age_seconds"),
            "0");
}

}  // namespace
}  // namespace oneall::cli
