#include "cli/run_metrics.hpp"

#include "cli/prometheus_text.hpp"

namespace oneall::cli {
namespace {

void request_counts(PrometheusText& out, const engine::RequestMetrics& m) {
  using engine::RequestMetrics;
  out.family("oneall_bulk_requests_total", MetricType::kCounter,
             "Requests this run sent, by the outcome of the attempt (retry: a retryable error; "
             "interrupted: the run stopped before the answer came).");
  for (std::size_t i = 0; i < RequestMetrics::kOutcomes.size(); ++i) {
    out.sample("oneall_bulk_requests_total", {{"outcome", RequestMetrics::kOutcomes[i]}},
               m.by_outcome[i]);
  }
  out.family("oneall_bulk_http_responses_total", MetricType::kCounter,
             "HTTP answers this run received, by status class (other: a status outside "
             "100-599).");
  for (std::size_t i = 1; i < RequestMetrics::kStatusClasses.size(); ++i) {
    out.sample("oneall_bulk_http_responses_total", {{"code", RequestMetrics::kStatusClasses[i]}},
               m.by_status_class[i]);
  }
  out.family("oneall_bulk_transport_errors_total", MetricType::kCounter,
             "Requests of this run that got no HTTP answer (connection failed or lost, timeout, "
             "TLS error, or interrupted).");
  out.sample("oneall_bulk_transport_errors_total", {}, m.by_status_class[0]);
  out.family("oneall_bulk_throttled_responses_total", MetricType::kCounter,
             "HTTP 429 (Too Many Requests) answers this run received.");
  out.sample("oneall_bulk_throttled_responses_total", {}, m.throttled);
}

void duration_histogram(PrometheusText& out, const engine::RequestMetrics& m) {
  using engine::RequestMetrics;
  out.family("oneall_bulk_request_duration_seconds", MetricType::kHistogram,
             "How long this run's requests took, from start to answer or error.");
  std::int64_t cumulative = 0;
  for (std::size_t i = 0; i < RequestMetrics::kDurationBoundsMs.size(); ++i) {
    cumulative += m.duration_buckets[i];
    const std::string le = format_sample_value(seconds(RequestMetrics::kDurationBoundsMs[i]));
    out.sample("oneall_bulk_request_duration_seconds_bucket", {{"le", le}}, cumulative);
  }
  out.sample("oneall_bulk_request_duration_seconds_bucket", {{"le", "+Inf"}}, m.duration_count);
  out.sample("oneall_bulk_request_duration_seconds_sum", {}, seconds(m.duration_sum_ms));
  out.sample("oneall_bulk_request_duration_seconds_count", {}, m.duration_count);
}

}  // namespace

std::string run_metrics_text(const RunMetrics& run) {
  PrometheusText out;
  out.gauge("oneall_bulk_run_start_timestamp_seconds",
            "When this run started, in seconds since the Unix epoch.", seconds(run.started_at));
  out.gauge("oneall_bulk_run_in_progress", "1 while this run goes, 0 once it has ended.",
            std::int64_t{run.exit_code ? 0 : 1});
  if (run.ended_at && run.exit_code) {
    out.gauge("oneall_bulk_run_end_timestamp_seconds",
              "When this run ended, in seconds since the Unix epoch.", seconds(*run.ended_at));
    out.gauge("oneall_bulk_run_exit_code",
              "This run's exit status (0: every job in its scope succeeded).",
              std::int64_t{*run.exit_code});
  }
  out.gauge("oneall_bulk_run_duration_seconds", "How long this run has gone, or went.",
            seconds(run.so_far.duration_ms));
  out.gauge("oneall_bulk_run_requests_in_flight", "Requests of this run awaiting an answer now.",
            run.exit_code ? std::int64_t{0} : run.so_far.in_flight);
  request_counts(out, run.so_far.metrics);
  out.family("oneall_bulk_circuit_breaker_stops_total", MetricType::kCounter,
             "Runs stopped by the circuit breaker (--max-auth-failures 401/403 answers in a "
             "row): 1 when this run was.");
  out.sample("oneall_bulk_circuit_breaker_stops_total", {},
             std::int64_t{run.so_far.stop_cause == engine::StopCause::kCircuitBreaker ? 1 : 0});
  duration_histogram(out, run.so_far.metrics);
  return out.text();
}

}  // namespace oneall::cli
