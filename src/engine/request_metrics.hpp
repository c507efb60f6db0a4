// What one run's requests came to, for `run --metrics-file` (docs/cli.md#metrics): counts by
// outcome and by HTTP status class, the 429 answers, and a histogram of durations. Counted from
// each attempt row as the run loop records it, into fixed arrays, so a request costs a few
// comparisons and no allocation; a copy travels in every progress snapshot (RunSummary).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "store/records.hpp"

namespace oneall::engine {

struct RequestMetrics {
  // An attempt row's outcomes, in the order of by_outcome.
  static constexpr std::array<std::string_view, 5> kOutcomes = {"succeeded", "failed", "retry",
                                                                "dead", "interrupted"};
  // The classes of by_status_class: "none" for an attempt with no HTTP answer (a transport
  // error), "other" for a status outside 100-599.
  static constexpr std::array<std::string_view, 7> kStatusClasses = {"none", "1xx", "2xx",  "3xx",
                                                                     "4xx",  "5xx", "other"};
  // Upper bounds of the duration buckets in milliseconds (Prometheus's default buckets, and 30 s
  // and 60 s for the default --timeout and beyond); a last bucket holds what is slower.
  static constexpr std::array<std::int64_t, 13> kDurationBoundsMs = {
      5, 10, 25, 50, 100, 250, 500, 1'000, 2'500, 5'000, 10'000, 30'000, 60'000};

  std::array<std::int64_t, kOutcomes.size()> by_outcome{};
  std::array<std::int64_t, kStatusClasses.size()> by_status_class{};
  // Not cumulative: duration_buckets[i] counts durations in (bound[i-1], bound[i]].
  std::array<std::int64_t, kDurationBoundsMs.size() + 1> duration_buckets{};
  std::int64_t duration_count = 0;
  std::int64_t duration_sum_ms = 0;
  std::int64_t throttled = 0;  // 429 answers

  void count(const store::AttemptRecord& row);
};

// The index in kStatusClasses of an HTTP status (0: no answer).
std::size_t status_class_index(int http_status);

}  // namespace oneall::engine
