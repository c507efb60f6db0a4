#include "store/attempt_stats.hpp"

#include <fmt/format.h>

#include <cmath>

namespace oneall::store {

std::int64_t nearest_rank(double q, std::int64_t count) {
  // The same double arithmetic as PostgreSQL's percentile_disc, so both backends agree on every
  // count (0.99 x 100 is not exactly 99 in binary; both compute the same rounding of it).
  const auto rank = static_cast<std::int64_t>(std::ceil(q * static_cast<double>(count)));
  return rank < 1 ? 1 : rank;
}

LatencyRanks::LatencyRanks(std::int64_t count) { summary_.count = count; }

void LatencyRanks::add(std::int64_t duration_ms, std::int64_t times) {
  const std::int64_t before = seen_;
  seen_ += times;
  summary_.sum_ms += duration_ms * times;
  std::optional<std::int64_t>* slots[] = {&summary_.p50_ms, &summary_.p90_ms, &summary_.p99_ms};
  for (std::size_t i = 0; i < kLatencyQuantiles.size(); ++i) {
    const std::int64_t rank = nearest_rank(kLatencyQuantiles[i], summary_.count);
    if (rank > before && rank <= seen_) *slots[i] = duration_ms;
  }
}

std::string latency_bucket_sql(std::string_view duration) {
  std::string sql = "CASE";
  for (std::size_t i = 0; i < kLatencyBoundsMs.size(); ++i) {
    sql += fmt::format(" WHEN {} <= {} THEN {}", duration, kLatencyBoundsMs[i], i);
  }
  return sql + fmt::format(" ELSE {} END", kLatencyBoundsMs.size());
}

std::int64_t time_bucket_ms(std::int64_t span_ms) {
  constexpr std::int64_t kSecond = 1'000;
  constexpr std::int64_t kMinute = 60 * kSecond;
  constexpr std::int64_t kHour = 60 * kMinute;
  constexpr std::int64_t kDay = 24 * kHour;
  constexpr std::int64_t kLadder[] = {
      kSecond,  2 * kSecond, 5 * kSecond, 10 * kSecond, 15 * kSecond, 30 * kSecond,
      kMinute,  2 * kMinute, 5 * kMinute, 10 * kMinute, 15 * kMinute, 30 * kMinute,
      kHour,    2 * kHour,   3 * kHour,   6 * kHour,    12 * kHour,   kDay,
      2 * kDay, 7 * kDay,    14 * kDay,   30 * kDay,    91 * kDay,    365 * kDay};
  // One more bucket than span / width: the first starts at the first request aligned down.
  auto fits = [span_ms](std::int64_t width) { return span_ms / width + 1 <= kMaxTimeBuckets; };
  for (std::int64_t width : kLadder) {
    if (fits(width)) return width;
  }
  std::int64_t years = 2;
  while (!fits(years * 365 * kDay)) years *= 2;
  return years * 365 * kDay;
}

}  // namespace oneall::store
