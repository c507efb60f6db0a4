#include "engine/request_metrics.hpp"

#include <algorithm>

namespace oneall::engine {

std::size_t status_class_index(int http_status) {
  if (http_status == 0) return 0;
  if (http_status < 100 || http_status > 599)
    return RequestMetrics::kStatusClasses.size() - 1;  // "other"
  return static_cast<std::size_t>(http_status / 100);
}

void RequestMetrics::count(const store::AttemptRecord& row) {
  const auto outcome = std::find(kOutcomes.begin(), kOutcomes.end(), row.outcome);
  if (outcome != kOutcomes.end())
    ++by_outcome[static_cast<std::size_t>(outcome - kOutcomes.begin())];
  ++by_status_class[status_class_index(row.http_status)];
  if (row.http_status == 429) ++throttled;
  const std::int64_t ms = std::max<std::int64_t>(0, row.ended_at - row.started_at);
  const auto bucket = std::lower_bound(kDurationBoundsMs.begin(), kDurationBoundsMs.end(), ms);
  ++duration_buckets[static_cast<std::size_t>(bucket - kDurationBoundsMs.begin())];
  ++duration_count;
  duration_sum_ms += ms;
}

}  // namespace oneall::engine
