// One run's metrics (run --metrics-file): while it goes and once it ended, the request counters
// by outcome and class, and the duration histogram cumulative up to +Inf as Prometheus reads it.
#include "cli/run_metrics.hpp"

#include <gtest/gtest.h>

#include "cli/exposition_samples.hpp"

namespace oneall::cli {
namespace {

using testing::exposition_families;
using testing::exposition_samples;

constexpr EpochMs kStart = 1'796'440'000'000;

store::AttemptRecord attempt(const char* outcome, int http_status, std::int64_t duration_ms) {
  store::AttemptRecord row;
  row.outcome = outcome;
  row.http_status = http_status;
  row.started_at = kStart;
  row.ended_at = kStart + duration_ms;
  return row;
}

RunMetrics going_run() {
  RunMetrics run;
  run.started_at = kStart;
  run.so_far.duration_ms = 12'500;
  run.so_far.in_flight = 4;
  run.so_far.metrics.count(attempt("succeeded", 200, 3));
  run.so_far.metrics.count(attempt("succeeded", 200, 80));
  run.so_far.metrics.count(attempt("retry", 429, 8));
  run.so_far.metrics.count(attempt("retry", 0, 30'000));
  run.so_far.metrics.count(attempt("failed", 401, 90'000));
  return run;
}

TEST(RunMetrics, WhileTheRunGoesItIsInProgressWithoutAnEndOrExitCode) {
  const auto samples = exposition_samples(run_metrics_text(going_run()));
  EXPECT_EQ(samples.at("oneall_bulk_run_start_timestamp_seconds"), "1796440000");
  EXPECT_EQ(samples.at("oneall_bulk_run_in_progress"), "1");
  EXPECT_EQ(samples.at("oneall_bulk_run_duration_seconds"), "12.5");
  EXPECT_EQ(samples.at("oneall_bulk_run_requests_in_flight"), "4");
  EXPECT_EQ(samples.count("oneall_bulk_run_end_timestamp_seconds"), 0u);
  EXPECT_EQ(samples.count("oneall_bulk_run_exit_code"), 0u);
}

TEST(RunMetrics, CountsRequestsByOutcomeAndStatusClass) {
  const auto samples = exposition_samples(run_metrics_text(going_run()));
  EXPECT_EQ(samples.at(R"(oneall_bulk_requests_total{outcome="succeeded"})"), "2");
  EXPECT_EQ(samples.at(R"(oneall_bulk_requests_total{outcome="retry"})"), "2");
  EXPECT_EQ(samples.at(R"(oneall_bulk_requests_total{outcome="failed"})"), "1");
  EXPECT_EQ(samples.at(R"(oneall_bulk_requests_total{outcome="dead"})"), "0");
  EXPECT_EQ(samples.at(R"(oneall_bulk_requests_total{outcome="interrupted"})"), "0");
  EXPECT_EQ(samples.at(R"(oneall_bulk_http_responses_total{code="2xx"})"), "2");
  EXPECT_EQ(samples.at(R"(oneall_bulk_http_responses_total{code="4xx"})"), "2");
  EXPECT_EQ(samples.at(R"(oneall_bulk_http_responses_total{code="5xx"})"), "0");
  EXPECT_EQ(samples.count(R"(oneall_bulk_http_responses_total{code="none"})"), 0u);
  EXPECT_EQ(samples.at("oneall_bulk_transport_errors_total"), "1");
  EXPECT_EQ(samples.at("oneall_bulk_throttled_responses_total"), "1");
  EXPECT_EQ(samples.at("oneall_bulk_circuit_breaker_stops_total"), "0");
}

TEST(RunMetrics, TheDurationHistogramIsCumulativeUpToInf) {
  const auto samples = exposition_samples(run_metrics_text(going_run()));
  const auto bucket = [&](const char* le) {
    return samples.at(std::string(R"(oneall_bulk_request_duration_seconds_bucket{le=")") + le +
                      "\"}");
  };
  EXPECT_EQ(bucket("0.005"), "1");
  EXPECT_EQ(bucket("0.01"), "2");
  EXPECT_EQ(bucket("0.05"), "2");
  EXPECT_EQ(bucket("0.1"), "3");
  EXPECT_EQ(bucket("10"), "3");
  EXPECT_EQ(bucket("30"), "4");
  EXPECT_EQ(bucket("60"), "4");
  EXPECT_EQ(bucket("+Inf"), "5");
  EXPECT_EQ(samples.at("oneall_bulk_request_duration_seconds_count"), "5");
  EXPECT_EQ(samples.at("oneall_bulk_request_duration_seconds_sum"), "120.091");
}

TEST(RunMetrics, AnEndedRunHasItsEndExitCodeAndBreakerStop) {
  RunMetrics run = going_run();
  run.so_far.stop_cause = engine::StopCause::kCircuitBreaker;
  run.ended_at = kStart + 13'000;
  run.exit_code = 4;
  const std::string text = run_metrics_text(run);
  const auto samples = exposition_samples(text);
  EXPECT_EQ(samples.at("oneall_bulk_run_in_progress"), "0");
  EXPECT_EQ(samples.at("oneall_bulk_run_end_timestamp_seconds"), "1796440013");
  EXPECT_EQ(samples.at("oneall_bulk_run_exit_code"), "4");
  EXPECT_EQ(samples.at("oneall_bulk_run_requests_in_flight"), "0");
  EXPECT_EQ(samples.at("oneall_bulk_circuit_breaker_stops_total"), "1");
  // Each family once (the format allows no second TYPE line), all under the product's prefix.
  const auto families = exposition_families(text);
  for (std::size_t i = 0; i < families.size(); ++i) {
    EXPECT_EQ(families[i].rfind("oneall_bulk_", 0), 0u) << families[i];
    for (std::size_t j = 0; j < i; ++j) EXPECT_NE(families[i], families[j]);
  }
}

}  // namespace
}  // namespace oneall::cli
