#include "audit/svg_charts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "audit/html_text.hpp"
#include "util/clock.hpp"

namespace oneall::audit {
namespace {

constexpr double kWidth = 900;
constexpr double kHeight = 260;
constexpr double kLeft = 56;  // room for the y axis labels
constexpr double kRight = 12;
constexpr double kTop = 26;     // room for the unit above the y axis
constexpr double kBottom = 36;  // room for the x axis labels
constexpr double kPlotWidth = kWidth - kLeft - kRight;
constexpr double kPlotHeight = kHeight - kTop - kBottom;

// "2026-12-05 05:30:00" for an axis.
std::string axis_time(EpochMs ms) {
  std::string text = format_utc_ms(ms);
  if (text.size() >= 19) text = text.substr(0, 10) + " " + text.substr(11, 8);
  return text;
}

std::string number(double value) {
  if (value >= 100 || value == static_cast<std::int64_t>(value))
    return fmt::format("{:.0f}", value);
  return fmt::format("{:.2g}", value);
}

std::string svg_open(std::string_view label) {
  return fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" aria-label="{}">)",
      kWidth, kHeight, html_escape(label));
}

// The smallest of 1, 2, 2.5 or 5 times a power of ten that is at least `value`: an axis's top,
// so that its quarters are round numbers too.
double round_up(double value) {
  if (value <= 0) return 1;
  const double power = std::pow(10.0, std::floor(std::log10(value)));
  for (double step : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (step * power >= value) return step * power;
  }
  return 10 * power;
}

// Horizontal grid lines and their labels from 0 to `max` (already rounded up).
std::string y_axis(double max, std::string_view unit) {
  std::string svg;
  for (int i = 0; i <= 4; ++i) {
    const double value = max * i / 4;
    const double y = kTop + kPlotHeight - kPlotHeight * i / 4;
    svg += fmt::format(R"(<line x1="{}" y1="{:.1f}" x2="{}" y2="{:.1f}" class="grid"/>)"
                       R"(<text x="{}" y="{:.1f}" class="axis" text-anchor="end">{}</text>)",
                       kLeft, y, kWidth - kRight, y, kLeft - 6, y + 4, number(value));
  }
  svg += fmt::format(R"(<text x="4" y="12" class="axis">{}</text>)", html_escape(unit));
  return svg;
}

}  // namespace

std::string rate_chart_svg(const store::ReportAggregates& r) {
  std::string svg = svg_open("Requests per second over time, by outcome");
  if (r.rate.empty()) {
    return svg +
           fmt::format(R"(<text x="{}" y="{}" class="empty">No request sent yet</text></svg>)",
                       kLeft + 10, kTop + kPlotHeight / 2);
  }
  const std::int64_t buckets = (r.rate.back().start - r.first_at) / r.bucket_ms + 1;
  const double bar = kPlotWidth / static_cast<double>(buckets);
  const double per_second = 1000.0 / static_cast<double>(r.bucket_ms);
  double max_rate = 0;
  for (const store::RateBucket& b : r.rate) {
    std::int64_t sum = 0;
    for (std::int64_t n : b.by_outcome) sum += n;
    max_rate = std::max(max_rate, static_cast<double>(sum) * per_second);
  }
  max_rate = round_up(max_rate);
  svg += y_axis(max_rate, "requests/s");
  const EpochMs end = r.first_at + buckets * r.bucket_ms;
  for (int i = 0; i <= 4; ++i) {
    const double x = kLeft + kPlotWidth * i / 4;
    const EpochMs at = r.first_at + (end - r.first_at) * i / 4;
    const char* anchor = i == 0 ? "start" : i == 4 ? "end" : "middle";
    svg += fmt::format(R"(<text x="{:.1f}" y="{}" class="axis" text-anchor="{}">{}</text>)", x,
                       kHeight - 18, anchor, axis_time(at));
  }
  svg += fmt::format(R"(<text x="{}" y="{}" class="axis" text-anchor="end">{} s per bar</text>)",
                     kWidth - kRight, kHeight - 4, number(static_cast<double>(r.bucket_ms) / 1000));
  for (const store::RateBucket& b : r.rate) {
    const double x = kLeft + bar * static_cast<double>((b.start - r.first_at) / r.bucket_ms);
    double y = kTop + kPlotHeight;
    std::string tip = axis_time(b.start);
    for (std::size_t o = 0; o < b.by_outcome.size(); ++o) {
      if (b.by_outcome[o] == 0) continue;
      const double rate = static_cast<double>(b.by_outcome[o]) * per_second;
      const double h = max_rate > 0 ? kPlotHeight * rate / max_rate : 0;
      y -= h;
      svg +=
          fmt::format(R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}"/>)",
                      x, y, std::max(bar - 0.5, 0.5), h, kOutcomeColours[o]);
      tip += fmt::format(", {} {}", b.by_outcome[o], store::kAttemptOutcomes[o]);
    }
    if (b.throttled > 0) {
      tip += fmt::format(", {} answered 429", b.throttled);
      svg += fmt::format(R"(<path d="M{:.1f} {:.1f}l4 -7h-8z" class="throttled">)"
                         R"(<title>{} answered 429</title></path>)",
                         x + bar / 2, y - 2, b.throttled);
    }
    svg += fmt::format(R"(<rect x="{:.1f}" y="{}" width="{:.1f}" height="{}" class="hover">)"
                       R"(<title>{}</title></rect>)",
                       x, kTop, std::max(bar, 0.5), kPlotHeight, html_escape(tip));
  }
  for (const store::RunStop& stop : r.breaker_stops) {
    const double fraction = static_cast<double>(std::clamp(stop.at, r.first_at, end) - r.first_at) /
                            static_cast<double>(end - r.first_at);
    const double x = kLeft + kPlotWidth * fraction;
    svg +=
        fmt::format(R"(<g class="breaker"><line x1="{0:.1f}" y1="{1}" x2="{0:.1f}" y2="{2}"/>)"
                    R"(<text x="{3:.1f}" y="{4}">breaker, run {5}</text>)"
                    R"(<title>run {5} stopped by the circuit breaker at {6}</title></g>)",
                    x, kTop, kTop + kPlotHeight, x + 3, kTop + 10, stop.run_id, axis_time(stop.at));
  }
  return svg + "</svg>";
}

std::string latency_histogram_svg(const store::ReportAggregates& r) {
  std::string svg = svg_open("Latency distribution of answered requests");
  if (r.latency.count == 0) {
    return svg +
           fmt::format(R"(<text x="{}" y="{}" class="empty">No answered request yet</text></svg>)",
                       kLeft + 10, kTop + kPlotHeight / 2);
  }
  const auto& counts = r.latency_histogram;
  const double max = round_up(static_cast<double>(*std::max_element(counts.begin(), counts.end())));
  svg += y_axis(max, "requests");
  const double bar = kPlotWidth / static_cast<double>(counts.size());
  for (std::size_t i = 0; i < counts.size(); ++i) {
    const std::string label =
        i < store::kLatencyBoundsMs.size()
            ? (store::kLatencyBoundsMs[i] >= 1000
                   ? fmt::format("\u2264{} s",
                                 number(static_cast<double>(store::kLatencyBoundsMs[i]) / 1000))
                   : fmt::format("\u2264{} ms", store::kLatencyBoundsMs[i]))
            : fmt::format(">{} s", store::kLatencyBoundsMs.back() / 1000);
    const double x = kLeft + bar * static_cast<double>(i);
    const double h = max > 0 ? kPlotHeight * static_cast<double>(counts[i]) / max : 0;
    svg +=
        fmt::format(R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" class="latency">)"
                    R"(<title>{}: {}</title></rect>)"
                    R"(<text x="{:.1f}" y="{}" class="axis" text-anchor="middle">{}</text>)",
                    x + 2, kTop + kPlotHeight - h, bar - 4, h, label, counts[i], x + bar / 2,
                    kHeight - 18, label);
  }
  return svg + "</svg>";
}

}  // namespace oneall::audit
