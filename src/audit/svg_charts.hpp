// The HTML report's charts as inline SVG (no script, nothing loaded): requests per second over
// time, stacked by the attempts' outcome, with 429 answers and circuit-breaker stops marked; and
// the latency histogram. Drawn from the report's aggregates only, so a chart's size is bounded
// by their bucket counts, not by the queue. Pure.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "store/attempt_stats.hpp"

namespace oneall::audit {

// The colour each attempt outcome is drawn in (store::kAttemptOutcomes' order).
inline constexpr std::array<std::string_view, 5> kOutcomeColours = {"#2e7d32", "#c62828", "#f9a825",
                                                                    "#6a1b9a", "#757575"};

std::string rate_chart_svg(const store::ReportAggregates& report);
std::string latency_histogram_svg(const store::ReportAggregates& report);

}  // namespace oneall::audit
