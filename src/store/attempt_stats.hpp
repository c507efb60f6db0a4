// What the attempt log adds up to, for the run summary, `status` and `report --format html`
// (docs/cli.md#latency, docs/cli.md#the-html-report): request latency percentiles, and the
// aggregates a report is drawn from (requests over time, a latency histogram, the commonest
// errors, jobs by batch and by target). Every figure is computed by the queue's backend
// (Queue::latency, Queue::report_aggregates), so no caller ever lists the log's rows; the
// pure helpers here are what both backends share (time bucket widths, nearest ranks).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/job_state.hpp"
#include "store/records.hpp"
#include "util/clock.hpp"

namespace oneall::store {

// Which attempt rows a figure covers: every field given must match (none: the whole log).
struct AttemptScope {
  std::optional<std::int64_t> run_id;
  std::optional<std::int64_t> batch_id;  // the attempts of this batch's jobs
};

// Request latency: ended_at - started_at of the attempts that got an HTTP answer (any status).
// Transport failures (timeouts, lost connections) are left out: they measure the timeout, not
// the API. Percentiles by nearest rank: the smallest duration with at least p of the measured
// attempts at or below it (rank ceil(p x count), as PostgreSQL's percentile_disc).
struct LatencySummary {
  std::int64_t count = 0;              // attempts measured
  std::int64_t sum_ms = 0;             // their durations added up
  std::optional<std::int64_t> p50_ms;  // none when count is 0
  std::optional<std::int64_t> p90_ms;
  std::optional<std::int64_t> p99_ms;
};

inline constexpr std::array<double, 3> kLatencyQuantiles = {0.5, 0.9, 0.99};

// The 1-based rank of quantile `q` among `count` sorted values: ceil(q x count), at least 1.
std::int64_t nearest_rank(double q, std::int64_t count);

// Builds a LatencySummary from (duration, how many) pairs handed in ascending duration order,
// holding nothing but the summary: the SQLite backend streams its grouped durations through it.
class LatencyRanks {
 public:
  explicit LatencyRanks(std::int64_t count);
  void add(std::int64_t duration_ms, std::int64_t times);
  const LatencySummary& summary() const { return summary_; }

 private:
  LatencySummary summary_;
  std::int64_t seen_ = 0;
};

// The outcomes of an attempt row, in the order RateBucket counts them.
inline constexpr std::array<std::string_view, 5> kAttemptOutcomes = {"succeeded", "failed", "retry",
                                                                     "dead", "interrupted"};

// Upper bounds (ms, inclusive) of the latency histogram's buckets; one more holds the rest.
inline constexpr std::array<std::int64_t, 15> kLatencyBoundsMs = {
    1, 2, 5, 10, 20, 50, 100, 200, 500, 1'000, 2'000, 5'000, 10'000, 30'000, 60'000};

// The SQL expression (the same in both dialects) giving a duration's histogram bucket index.
std::string latency_bucket_sql(std::string_view duration);

// The widest time bucket a report draws is chosen so that [first, last] takes at most this many.
inline constexpr std::int64_t kMaxTimeBuckets = 200;
// The width of a report's time buckets for a span of `span_ms`: the narrowest of a ladder of
// round widths (1 s, 2 s, 5 s, ... 1 h, ... 1 day, ... years) that covers it in at most
// kMaxTimeBuckets buckets.
std::int64_t time_bucket_ms(std::int64_t span_ms);

// Requests started in one time bucket, by the outcome of their attempt row.
struct RateBucket {
  EpochMs start = 0;
  std::array<std::int64_t, kAttemptOutcomes.size()> by_outcome{};
  std::int64_t throttled = 0;  // of them, answered 429
};

// Attempts that did not succeed, grouped by HTTP status and the API's message (for an attempt
// with no HTTP answer, its note: timeout, connection_lost, ...).
struct ErrorGroup {
  std::optional<int> http_status;  // none: no HTTP answer
  std::string message;
  std::int64_t count = 0;
  std::int64_t example_job_id = 0;  // the lowest job id in the group
};

// A run the circuit breaker stopped (its summary's stop_cause), and when it ended.
struct RunStop {
  std::int64_t run_id = 0;
  EpochMs at = 0;
};

struct TargetCounts {
  std::string target;
  StateCounts by_state;
};

// How many error groups a report lists; the rest are counted together.
inline constexpr std::size_t kMaxErrorGroups = 20;
// How many batches a report lists (the newest); the rest are counted together.
inline constexpr std::size_t kMaxReportBatches = 100;

// Everything `report --format html` draws, for the whole queue or one batch; its size does not
// grow with the queue (bounded by the constants above).
struct ReportAggregates {
  std::optional<std::int64_t> batch_id;  // the scope: one batch, or the whole queue
  EpochMs generated_at = 0;
  StateCounts by_state;               // the scope's jobs, every state present
  std::vector<BatchCounts> batches;   // the newest kMaxReportBatches, in id order
  std::int64_t batches_left_out = 0;  // older batches not listed
  std::vector<TargetCounts> targets;  // in target name order, only targets with jobs
  std::int64_t attempts = 0;          // attempt rows in scope
  std::int64_t requests = 0;          // of them, those that sent a request (the rate chart)
  LatencySummary latency;
  std::array<std::int64_t, kLatencyBoundsMs.size() + 1> latency_histogram{};
  EpochMs first_at = 0;  // the first request's start, aligned down to bucket_ms
  std::int64_t bucket_ms = 1'000;
  std::vector<RateBucket> rate;  // non-empty buckets only, in time order
  std::vector<RunStop> breaker_stops;
  std::vector<ErrorGroup> errors;       // the commonest kMaxErrorGroups, most frequent first
  std::int64_t errors_total = 0;        // attempts that did not succeed, all groups
  std::int64_t error_groups_total = 0;  // how many groups there are
};

}  // namespace oneall::store
