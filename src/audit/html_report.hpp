// `report --format html` (docs/cli.md#the-html-report): one self-contained HTML page for the
// whole queue or one batch, drawn from the store's aggregates (store/attempt_stats.hpp) — jobs
// by state, requests per second over time, latency, the commonest errors, jobs per batch and
// per target. Nothing is loaded from anywhere (its Content-Security-Policy allows nothing but
// its own inline style), and every text that came from the queue is escaped. Pure: aggregates
// in, page out; its size is bounded by the aggregates' limits, not by the queue.
#pragma once

#include <string>
#include <string_view>

#include "store/attempt_stats.hpp"

namespace oneall::audit {

// `queue` is where the queue is, as messages show it (no password).
std::string html_report(const store::ReportAggregates& report, std::string_view queue);

}  // namespace oneall::audit
