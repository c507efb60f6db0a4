// Request latency (store/attempt_stats.hpp: nearest-rank p50, p90, p99 of the attempts that got
// an HTTP answer) as the run summary and `status` show it: a phrase for text, an object for
// JSON, and a Prometheus summary (docs/cli.md#latency). Pure.
#pragma once

#include <string>

#include "store/attempt_stats.hpp"

namespace oneall::cli {

// "p50 12 ms, p90 30 ms, p99 81 ms over 412 answered requests", or "no answered requests".
std::string latency_text(const store::LatencySummary& latency);

// {"answered":412,"p50":12,"p90":30,"p99":81} (milliseconds; null percentiles when none).
std::string latency_json(const store::LatencySummary& latency);

// oneall_bulk_request_latency_seconds: a summary with quantile labels 0.5, 0.9, 0.99 (NaN when
// nothing was measured), _sum and _count.
std::string latency_metrics_text(const store::LatencySummary& latency);

}  // namespace oneall::cli
