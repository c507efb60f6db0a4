// The HTML report's page from a plain aggregates record: the figures it shows, text from the
// queue escaped, nothing it would load from anywhere, and a size bounded by the aggregates'
// limits however large the queue they came from.
#include "audit/html_report.hpp"

#include <gtest/gtest.h>

#include <string>

#include "audit/html_text.hpp"
#include "store/attempt_stats.hpp"

namespace oneall::audit {
namespace {

using store::JobState;

store::ReportAggregates small_report() {
  store::ReportAggregates r;
  r.generated_at = 1'764'900'000'000;
  r.by_state = store::zero_state_counts();
  r.by_state[JobState::kSucceeded] = 400;
  r.by_state[JobState::kFailed] = 6;
  r.by_state[JobState::kDead] = 4;
  r.batches.push_back({1, "cleanup <campaign>.yaml", r.generated_at, r.by_state});
  r.targets.push_back({"twitter.tweet", r.by_state});
  r.attempts = 420;
  r.requests = 419;
  r.first_at = r.generated_at - 10'000;
  r.bucket_ms = 1'000;
  r.rate.push_back({r.first_at, {40, 1, 2, 0, 0}, 2});
  r.rate.push_back({r.first_at + 5'000, {30, 0, 0, 1, 0}, 0});
  r.breaker_stops.push_back({3, r.first_at + 6'000});
  r.latency = {410, 8200, 12, 30, 81};
  r.latency_histogram[3] = 300;
  r.latency_histogram[4] = 110;
  r.errors.push_back({503, "Overloaded & <b>busy</b>", 5, 17});
  r.errors.push_back({std::nullopt, "timeout", 2, 9});
  r.errors_total = 10;
  r.error_groups_total = 3;
  return r;
}

TEST(HtmlReport, ShowsTheTotalsByStateTheLatencyAndTheErrors) {
  const std::string html = html_report(small_report(), "/data/queue.db");
  EXPECT_NE(html.find(R"(id="state-total">410<)"), std::string::npos);
  EXPECT_NE(html.find(R"(id="state-succeeded">400<)"), std::string::npos);
  EXPECT_NE(html.find(R"(id="state-failed">6<)"), std::string::npos);
  EXPECT_NE(html.find(R"(id="state-pending">0<)"), std::string::npos);
  EXPECT_NE(html.find(R"(id="latency-p99">81 ms<)"), std::string::npos);
  EXPECT_NE(html.find("breaker, run 3"), std::string::npos);
  EXPECT_NE(html.find("2 answered 429"), std::string::npos);
  EXPECT_NE(html.find("And 1 more groups (3 attempts)"), std::string::npos);
  EXPECT_NE(html.find(R"(<td class="num">17</td>)"), std::string::npos);  // the example job
}

TEST(HtmlReport, EscapesEveryTextFromTheQueue) {
  const std::string html = html_report(small_report(), "/tmp/<q>&\"'.db");
  EXPECT_EQ(html.find("<b>busy"), std::string::npos);
  EXPECT_NE(html.find("Overloaded &amp; &lt;b&gt;busy&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(html.find("cleanup &lt;campaign&gt;.yaml"), std::string::npos);
  EXPECT_NE(html.find("/tmp/&lt;q&gt;&amp;&quot;&#39;.db"), std::string::npos);
}

TEST(HtmlReport, LoadsNothingFromAnywhere) {
  const std::string html = html_report(small_report(), "q.db");
  for (const char* loads : {"<script", "src=", "href=", "url(", "@import", "<link", "<img"}) {
    EXPECT_EQ(html.find(loads), std::string::npos) << loads;
  }
  EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
}

TEST(HtmlReport, AnEmptyQueueSaysSoInsteadOfDrawing) {
  store::ReportAggregates empty;
  empty.by_state = store::zero_state_counts();
  const std::string html = html_report(empty, "q.db");
  EXPECT_NE(html.find("No request sent yet"), std::string::npos);
  EXPECT_NE(html.find("No answered request yet"), std::string::npos);
  EXPECT_NE(html.find("No attempt failed."), std::string::npos);
}

// Every list at its limit, every message at its longest: the page stays small.
TEST(HtmlReport, ItsSizeIsBoundedByTheAggregatesLimits) {
  store::ReportAggregates r = small_report();
  r.rate.clear();
  for (std::int64_t i = 0; i < store::kMaxTimeBuckets; ++i) {
    r.rate.push_back({r.first_at + i * r.bucket_ms, {1'000'000, 2, 3, 4, 5}, 6});
  }
  r.breaker_stops.assign(store::kMaxTimeBuckets, {123456, r.first_at});
  r.errors.assign(store::kMaxErrorGroups, {503, std::string(100'000, '<'), 1'000'000, 999'999});
  r.batches.assign(store::kMaxReportBatches,
                   {999'999, std::string(100'000, 'x'), r.generated_at, r.by_state});
  r.targets.assign(5, {"facebook.page.picture", r.by_state});
  const std::string html = html_report(r, std::string(4096, 'q'));
  EXPECT_LT(html.size(), 512u * 1024) << html.size();
}

TEST(ClipUtf8, CutsOnACharacterBoundary) {
  EXPECT_EQ(clip_utf8("short", 10), "short");
  EXPECT_EQ(clip_utf8("abcdef", 3), "abc\u2026");
  EXPECT_EQ(clip_utf8("a\u00e9b", 2), "a\u2026");  // é is two bytes: not cut in half
}

}  // namespace
}  // namespace oneall::audit
