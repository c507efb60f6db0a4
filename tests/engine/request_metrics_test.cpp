// A run's request counters: each attempt row counted by outcome, by HTTP status class, as a 429,
// and into the duration bucket its milliseconds fall in (a bound belongs to its own bucket).
#include "engine/request_metrics.hpp"

#include <gtest/gtest.h>

#include <numeric>

namespace oneall::engine {
namespace {

store::AttemptRecord row(std::string outcome, int http_status, std::int64_t duration_ms) {
  store::AttemptRecord attempt;
  attempt.outcome = std::move(outcome);
  attempt.http_status = http_status;
  attempt.started_at = 1'700'000'000'000;
  attempt.ended_at = attempt.started_at + duration_ms;
  return attempt;
}

std::size_t outcome(std::string_view name) {
  for (std::size_t i = 0; i < RequestMetrics::kOutcomes.size(); ++i) {
    if (RequestMetrics::kOutcomes[i] == name) return i;
  }
  ADD_FAILURE() << "no outcome " << name;
  return 0;
}

TEST(StatusClass, ClassifiesByHundredsWithNoAnswerAndNonsenseApart) {
  const struct {
    int status;
    std::string_view expected;
  } cases[] = {{0, "none"},  {100, "1xx"},  {200, "2xx"},   {204, "2xx"},
               {301, "3xx"}, {404, "4xx"},  {429, "4xx"},   {503, "5xx"},
               {599, "5xx"}, {99, "other"}, {600, "other"}, {-1, "other"}};
  for (const auto& c : cases) {
    EXPECT_EQ(RequestMetrics::kStatusClasses[status_class_index(c.status)], c.expected) << c.status;
  }
}

TEST(RequestMetrics, CountsEachAttemptByOutcomeStatusClassAndThrottling) {
  RequestMetrics metrics;
  metrics.count(row("succeeded", 200, 40));
  metrics.count(row("succeeded", 404, 40));  // a delete of what is already gone
  metrics.count(row("retry", 429, 3));
  metrics.count(row("retry", 503, 3));
  metrics.count(row("retry", 0, 30'000));  // a timeout
  metrics.count(row("failed", 400, 7));
  metrics.count(row("dead", 503, 7));
  metrics.count(row("interrupted", 0, 2'000));

  EXPECT_EQ(metrics.by_outcome[outcome("succeeded")], 2);
  EXPECT_EQ(metrics.by_outcome[outcome("retry")], 3);
  EXPECT_EQ(metrics.by_outcome[outcome("failed")], 1);
  EXPECT_EQ(metrics.by_outcome[outcome("dead")], 1);
  EXPECT_EQ(metrics.by_outcome[outcome("interrupted")], 1);
  EXPECT_EQ(metrics.by_status_class[0], 2);  // none
  EXPECT_EQ(metrics.by_status_class[2], 1);
  EXPECT_EQ(metrics.by_status_class[4], 3);
  EXPECT_EQ(metrics.by_status_class[5], 2);
  EXPECT_EQ(metrics.throttled, 1);
  EXPECT_EQ(metrics.duration_count, 8);
  EXPECT_EQ(metrics.duration_sum_ms, 40 + 40 + 3 + 3 + 30'000 + 7 + 7 + 2'000);
  EXPECT_EQ(std::accumulate(metrics.duration_buckets.begin(), metrics.duration_buckets.end(),
                            std::int64_t{0}),
            8);
}

TEST(RequestMetrics, ADurationOnABoundFallsInThatBoundsBucket) {
  RequestMetrics metrics;
  metrics.count(row("succeeded", 200, 0));       // <= 5 ms
  metrics.count(row("succeeded", 200, 5));       // <= 5 ms
  metrics.count(row("succeeded", 200, 6));       // <= 10 ms
  metrics.count(row("succeeded", 200, 1'000));   // <= 1 s
  metrics.count(row("succeeded", 200, 60'000));  // <= 60 s
  metrics.count(row("succeeded", 200, 60'001));  // beyond the last bound
  metrics.count(row("succeeded", 200, -3));      // a clock step back counts as 0
  EXPECT_EQ(metrics.duration_buckets[0], 3);
  EXPECT_EQ(metrics.duration_buckets[1], 1);
  EXPECT_EQ(metrics.duration_buckets[7], 1);
  EXPECT_EQ(metrics.duration_buckets[12], 1);
  EXPECT_EQ(metrics.duration_buckets[13], 1);
  EXPECT_EQ(metrics.duration_sum_ms, 5 + 6 + 1'000 + 60'000 + 60'001);
}

}  // namespace
}  // namespace oneall::engine
