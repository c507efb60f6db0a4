// What the attempt log adds up to, on both backends: request latency by nearest rank over known
// distributions (Queue::latency), and the figures of the HTML report (Queue::report_aggregates).
// The pure helpers both backends share (nearest_rank, time_bucket_ms) are tested at the end.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "store/attempt_stats.hpp"
#include "store/queue.hpp"
#include "store/store_test_helpers.hpp"

namespace oneall::store {
namespace {

using namespace oneall::store::testing;

// One attempt to write: its duration, its answer and its outcome.
struct Planned {
  Planned(std::int64_t duration, int status = 200, std::string outcome_name = "succeeded",
          std::string info = "", std::string note_text = "", EpochMs started = 1'000'000,
          int sent = 1)
      : duration_ms(duration),
        http_status(status),
        outcome(std::move(outcome_name)),
        api_info(std::move(info)),
        note(std::move(note_text)),
        started_at(started),
        requests_sent(sent) {}
  std::int64_t duration_ms;
  int http_status;
  std::string outcome;
  std::string api_info;
  std::string note;
  EpochMs started_at;
  int requests_sent;
};

class QueueStatsTest : public QueueBackendTest {
 protected:
  // Imports one job per planned attempt (in a batch of its own), claims them in `run` and
  // writes each attempt in one finish; returns the batch id.
  std::int64_t record(std::int64_t run, const std::vector<Planned>& planned,
                      const std::string& prefix = "t") {
    std::vector<api::Action> actions;
    for (std::size_t i = 0; i < planned.size(); ++i) {
      actions.push_back(tweet_delete(prefix + std::to_string(i)));
    }
    const ImportSummary batch = import_all(*queue_, actions, prefix + ".yaml");
    const std::vector<std::int64_t> ids = claim_ids(run, planned.size(), batch.batch_id);
    EXPECT_EQ(ids.size(), planned.size());
    std::vector<Completion> completions;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      const Planned& p = planned[i];
      AttemptRecord attempt = attempt_of(run, ids[i], p.http_status, p.outcome);
      attempt.started_at = p.started_at;
      attempt.ended_at = p.started_at + p.duration_ms;
      attempt.api_info = p.api_info;
      attempt.note = p.note;
      attempt.requests_sent = p.requests_sent;
      const JobState state = p.outcome == "succeeded" ? JobState::kSucceeded
                             : p.outcome == "retry"   ? JobState::kPending
                             : p.outcome == "dead"    ? JobState::kDead
                                                      : JobState::kFailed;
      completions.push_back({attempt, {state, 0, p.note}});
    }
    const Status done = queue_->finish(completions);
    EXPECT_TRUE(done.ok()) << done.error().message;
    return batch.batch_id;
  }

  std::int64_t record_durations(std::int64_t run, const std::vector<std::int64_t>& durations,
                                const std::string& prefix = "t") {
    std::vector<Planned> planned;
    for (std::int64_t d : durations) planned.emplace_back(d);
    return record(run, planned, prefix);
  }

  LatencySummary latency(const AttemptScope& scope = {}) {
    auto summary = queue_->latency(scope);
    EXPECT_TRUE(summary.ok()) << summary.error().message;
    return summary.ok() ? *summary : LatencySummary{};
  }

  ReportAggregates report(std::optional<std::int64_t> batch = std::nullopt) {
    auto aggregates = queue_->report_aggregates(batch);
    EXPECT_TRUE(aggregates.ok()) << aggregates.error().message;
    return aggregates.ok() ? *aggregates : ReportAggregates{};
  }
};

std::vector<std::int64_t> one_to(std::int64_t n) {
  std::vector<std::int64_t> values;
  for (std::int64_t i = 1; i <= n; ++i) values.push_back(i);
  return values;
}

TEST_P(QueueStatsTest, AnEmptyLogHasNoPercentiles) {
  const LatencySummary summary = latency();
  EXPECT_EQ(summary.count, 0);
  EXPECT_FALSE(summary.p50_ms.has_value());
  EXPECT_FALSE(summary.p99_ms.has_value());
}

TEST_P(QueueStatsTest, OneHundredDurationsGiveTheirNearestRanks) {
  const std::int64_t run = start_run();
  std::vector<std::int64_t> shuffled = one_to(100);
  std::reverse(shuffled.begin(), shuffled.end());  // the order written must not matter
  record_durations(run, shuffled);
  const LatencySummary summary = latency();
  EXPECT_EQ(summary.count, 100);
  EXPECT_EQ(summary.sum_ms, 5050);
  EXPECT_EQ(summary.p50_ms, 50);
  EXPECT_EQ(summary.p90_ms, 90);
  EXPECT_EQ(summary.p99_ms, 99);
}

TEST_P(QueueStatsTest, TenDurationsRoundTheRankUp) {
  const std::int64_t run = start_run();
  record_durations(run, {10, 20, 30, 40, 50, 60, 70, 80, 90, 100});
  const LatencySummary summary = latency();
  EXPECT_EQ(summary.p50_ms, 50);   // rank 5
  EXPECT_EQ(summary.p90_ms, 90);   // rank 9
  EXPECT_EQ(summary.p99_ms, 100);  // rank ceil(9.9) = 10
}

TEST_P(QueueStatsTest, OneDurationIsEveryPercentile) {
  record_durations(start_run(), {42});
  const LatencySummary summary = latency();
  EXPECT_EQ(summary.count, 1);
  EXPECT_EQ(summary.p50_ms, 42);
  EXPECT_EQ(summary.p90_ms, 42);
  EXPECT_EQ(summary.p99_ms, 42);
}

// The 99th percentile of 1000 is the 990th value: 990 fast answers keep it fast, 989 do not.
TEST_P(QueueStatsTest, TheSlowTailMovesP99OnlyPastItsRank) {
  const std::int64_t run = start_run();
  std::vector<std::int64_t> durations(990, 10);
  durations.insert(durations.end(), 10, 1000);
  record_durations(run, durations, "a");
  EXPECT_EQ(latency().p99_ms, 10);

  // Another 1000 of which 11 are slow: over the 2000 (rank 1980, 21 slow) p99 turns slow.
  std::vector<std::int64_t> more(989, 10);
  more.insert(more.end(), 11, 1000);
  record_durations(run, more, "b");
  const LatencySummary both = latency();
  EXPECT_EQ(both.count, 2000);
  EXPECT_EQ(both.p50_ms, 10);
  EXPECT_EQ(both.p90_ms, 10);
  EXPECT_EQ(both.p99_ms, 1000);
}

TEST_P(QueueStatsTest, OnlyAttemptsWithAnHttpAnswerAreMeasured) {
  const std::int64_t run = start_run();
  record(run, {{5}, {7, 503, "retry"}, {30'000, 0, "retry", "", "timeout"}});
  const LatencySummary summary = latency();
  EXPECT_EQ(summary.count, 2);
  EXPECT_EQ(summary.p99_ms, 7);
}

TEST_P(QueueStatsTest, LatencyCoversOneRunOrOneBatch) {
  const std::int64_t first = start_run();
  const std::int64_t batch_a = record_durations(first, {1, 2, 3}, "a");
  ASSERT_TRUE(queue_->end_run(first, 0, "{}").ok());
  const std::int64_t second = start_run();
  const std::int64_t batch_b = record_durations(second, {100, 200}, "b");

  EXPECT_EQ(latency().count, 5);
  const LatencySummary run_two = latency({second, std::nullopt});
  EXPECT_EQ(run_two.count, 2);
  EXPECT_EQ(run_two.p50_ms, 100);
  EXPECT_EQ(run_two.p99_ms, 200);
  const LatencySummary in_a = latency({std::nullopt, batch_a});
  EXPECT_EQ(in_a.count, 3);
  EXPECT_EQ(in_a.p99_ms, 3);
  EXPECT_EQ(latency({first, batch_b}).count, 0);
}

TEST_P(QueueStatsTest, ReportCountsJobsByStateBatchAndTarget) {
  import_all(*queue_, {tweet_delete("1"), pin_delete("2"), pin_delete("3")}, "one.yaml");
  const std::int64_t run = start_run();
  ASSERT_EQ(claim_ids(run, 2).size(), 2u);
  finish(run, 1, JobState::kSucceeded);  // job 2 stays running, job 3 pending
  const ReportAggregates all = report();
  EXPECT_EQ(all.by_state.at(JobState::kSucceeded), 1);
  EXPECT_EQ(all.by_state.at(JobState::kRunning), 1);
  EXPECT_EQ(all.by_state.at(JobState::kPending), 1);
  ASSERT_EQ(all.targets.size(), 2u);
  EXPECT_EQ(all.targets[0].target, "pinterest.pin");
  EXPECT_EQ(all.targets[0].by_state.at(JobState::kRunning), 1);
  EXPECT_EQ(all.targets[0].by_state.at(JobState::kPending), 1);
  EXPECT_EQ(all.targets[1].target, "twitter.tweet");
  EXPECT_EQ(all.targets[1].by_state.at(JobState::kSucceeded), 1);
  ASSERT_EQ(all.batches.size(), 1u);
  EXPECT_EQ(all.batches[0].description, "one.yaml");
  EXPECT_EQ(all.batches[0].by_state.at(JobState::kRunning), 1);
  EXPECT_EQ(all.batches_left_out, 0);
  EXPECT_EQ(all.attempts, 1);
}

TEST_P(QueueStatsTest, ReportBucketsRequestsByTimeAndOutcomeWithThrottling) {
  const std::int64_t run = start_run();
  const EpochMs t0 = 1'700'000'000'000;  // a whole second
  record(run, {{10, 200, "succeeded", "", "", t0 + 100},
               {10, 429, "retry", "Too many", "http_429", t0 + 200},
               {10, 200, "succeeded", "", "", t0 + 2'500},
               {0, 0, "interrupted", "", "not_sent", t0 + 2'600, 0}});
  const ReportAggregates r = report();
  EXPECT_EQ(r.attempts, 4);
  EXPECT_EQ(r.requests, 3);  // one never went out
  EXPECT_EQ(r.bucket_ms, 1'000);
  EXPECT_EQ(r.first_at, t0);
  ASSERT_EQ(r.rate.size(), 2u);
  EXPECT_EQ(r.rate[0].start, t0);
  EXPECT_EQ(r.rate[0].by_outcome[0], 1);  // succeeded
  EXPECT_EQ(r.rate[0].by_outcome[2], 1);  // retry
  EXPECT_EQ(r.rate[0].throttled, 1);
  EXPECT_EQ(r.rate[1].start, t0 + 2'000);
  EXPECT_EQ(r.rate[1].by_outcome[0], 1);
  EXPECT_EQ(r.rate[1].throttled, 0);
  EXPECT_EQ(r.latency.count, 3);
  EXPECT_EQ(r.latency_histogram[3], 3);  // 10 ms: the (5, 10] bucket
}

TEST_P(QueueStatsTest, ReportGroupsErrorsByStatusAndMessageWithAnExampleJob) {
  const std::int64_t run = start_run();
  record(run, {{5},
               {5, 503, "retry", "Overloaded", "http_503"},
               {5, 400, "failed", "Bad <id>", "http_400"},
               {5, 503, "dead", "Overloaded", "http_503"},
               {5, 0, "retry", "", "timeout"},
               {5, 503, "retry", "Overloaded", "http_503"}});
  const ReportAggregates r = report();
  EXPECT_EQ(r.errors_total, 5);
  EXPECT_EQ(r.error_groups_total, 3);
  ASSERT_EQ(r.errors.size(), 3u);
  EXPECT_EQ(r.errors[0].http_status, 503);
  EXPECT_EQ(r.errors[0].message, "Overloaded");
  EXPECT_EQ(r.errors[0].count, 3);
  EXPECT_EQ(r.errors[0].example_job_id, 2);
  EXPECT_FALSE(r.errors[1].http_status.has_value());  // no answer: sorted as status 0
  EXPECT_EQ(r.errors[1].message, "timeout");
  EXPECT_EQ(r.errors[2].http_status, 400);
  EXPECT_EQ(r.errors[2].message, "Bad <id>");
  EXPECT_EQ(r.errors[2].example_job_id, 3);
}

TEST_P(QueueStatsTest, ReportMarksRunsTheCircuitBreakerStopped) {
  const std::int64_t stopped = start_run();
  record(stopped, {{5, 401, "failed", "Bad keys", "http_401"}}, "a");
  clock_.advance_ms(1'000);
  ASSERT_TRUE(queue_->end_run(stopped, 4, R"({"stop_cause":"circuit_breaker"})").ok());
  const std::int64_t fine = start_run();
  record(fine, {{5}}, "b");
  ASSERT_TRUE(queue_->end_run(fine, 0, R"({"stop_cause":"none"})").ok());
  const ReportAggregates r = report();
  ASSERT_EQ(r.breaker_stops.size(), 1u);
  EXPECT_EQ(r.breaker_stops[0].run_id, stopped);
  EXPECT_EQ(r.breaker_stops[0].at, clock_.now_ms());
}

TEST_P(QueueStatsTest, ABatchReportCountsOnlyThatBatch) {
  const std::int64_t run = start_run();
  record_durations(run, {1, 2}, "a");
  const std::int64_t b = record(run, {{50, 500, "dead", "Oops", "http_500"}}, "b");
  const ReportAggregates r = report(b);
  EXPECT_EQ(r.batch_id, b);
  EXPECT_EQ(r.by_state.at(JobState::kDead), 1);
  EXPECT_EQ(r.by_state.at(JobState::kSucceeded), 0);
  ASSERT_EQ(r.batches.size(), 1u);
  EXPECT_EQ(r.batches[0].batch_id, b);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(r.latency.count, 1);
  EXPECT_EQ(r.latency.p50_ms, 50);
  EXPECT_EQ(r.errors_total, 1);
}

// However long the log's span, the chart has at most kMaxTimeBuckets buckets.
TEST_P(QueueStatsTest, ALongSpanWidensTheTimeBuckets) {
  const std::int64_t run = start_run();
  std::vector<Planned> planned;
  const EpochMs day = 24LL * 3600 * 1000;
  for (int i = 0; i < 400; ++i) {
    planned.push_back({5, 200, "succeeded", "", "", 1'600'000'000'000 + i * 9 * day});
  }
  record(run, planned);
  const ReportAggregates r = report();
  EXPECT_LE(static_cast<std::int64_t>(r.rate.size()), kMaxTimeBuckets);
  EXPECT_LE((planned.back().started_at - r.first_at) / r.bucket_ms + 1, kMaxTimeBuckets);
  std::int64_t counted = 0;
  for (const RateBucket& b : r.rate) counted += b.by_outcome[0];
  EXPECT_EQ(counted, 400);
}

INSTANTIATE_TEST_SUITE_P(Backends, QueueStatsTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres), backend_name);

TEST(NearestRank, IsTheCeilingOfQTimesCountAndAtLeastOne) {
  EXPECT_EQ(nearest_rank(0.5, 1), 1);
  EXPECT_EQ(nearest_rank(0.99, 1), 1);
  EXPECT_EQ(nearest_rank(0.5, 100), 50);
  EXPECT_EQ(nearest_rank(0.5, 101), 51);
  EXPECT_EQ(nearest_rank(0.9, 10), 9);
  EXPECT_EQ(nearest_rank(0.99, 1000), 990);
  EXPECT_EQ(nearest_rank(0.99, 1001), 991);
  EXPECT_EQ(nearest_rank(0.5, 0), 1);
}

TEST(TimeBucket, GrowsWithTheSpanAndKeepsTheCountBounded) {
  EXPECT_EQ(time_bucket_ms(0), 1'000);
  EXPECT_EQ(time_bucket_ms(199'999), 1'000);
  EXPECT_EQ(time_bucket_ms(200'000), 2'000);
  EXPECT_EQ(time_bucket_ms(3'600'000), 30'000);
  const std::int64_t century = 100LL * 365 * 24 * 3600 * 1000;
  for (std::int64_t span : {std::int64_t{1}, std::int64_t{86'400'000}, century, century * 50}) {
    EXPECT_LE(span / time_bucket_ms(span) + 1, kMaxTimeBuckets) << span;
  }
}

}  // namespace
}  // namespace oneall::store
