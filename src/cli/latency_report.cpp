#include "cli/latency_report.hpp"

#include <fmt/format.h>

#include <cmath>
#include <optional>

#include "cli/prometheus_text.hpp"

namespace oneall::cli {
namespace {

std::string json_ms(const std::optional<std::int64_t>& ms) {
  return ms ? std::to_string(*ms) : std::string("null");
}

}  // namespace

std::string latency_text(const store::LatencySummary& l) {
  if (l.count == 0 || !l.p50_ms || !l.p90_ms || !l.p99_ms) return "no answered requests";
  return fmt::format("p50 {} ms, p90 {} ms, p99 {} ms over {} answered request{}", *l.p50_ms,
                     *l.p90_ms, *l.p99_ms, l.count, l.count == 1 ? "" : "s");
}

std::string latency_json(const store::LatencySummary& l) {
  return fmt::format(R"({{"answered":{},"p50":{},"p90":{},"p99":{}}})", l.count, json_ms(l.p50_ms),
                     json_ms(l.p90_ms), json_ms(l.p99_ms));
}

std::string latency_metrics_text(const store::LatencySummary& l) {
  constexpr const char* kName = "oneall_bulk_request_latency_seconds";
  PrometheusText out;
  out.family(kName, MetricType::kSummary,
             "Time from sending a request to its HTTP answer, over the queue's attempt log "
             "(nearest-rank quantiles; NaN before any answer).");
  const std::optional<std::int64_t> values[] = {l.p50_ms, l.p90_ms, l.p99_ms};
  for (std::size_t i = 0; i < store::kLatencyQuantiles.size(); ++i) {
    const std::string quantile = format_sample_value(store::kLatencyQuantiles[i]);
    out.sample(kName, {{"quantile", quantile}}, values[i] ? seconds(*values[i]) : std::nan(""));
  }
  out.sample(std::string(kName) + "_sum", {}, seconds(l.sum_ms));
  out.sample(std::string(kName) + "_count", {}, l.count);
  return out.text();
}

}  // namespace oneall::cli
