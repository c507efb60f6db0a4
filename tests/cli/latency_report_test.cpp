// Request latency as the run summary and `status` print it: text, JSON and a Prometheus summary.
#include "cli/latency_report.hpp"

#include <gtest/gtest.h>

namespace oneall::cli {
namespace {

const store::LatencySummary kMeasured{412, 9000, 12, 30, 1500};

TEST(LatencyReport, TextGivesThePercentilesAndHowManyWereMeasured) {
  EXPECT_EQ(latency_text(kMeasured),
            "p50 12 ms, p90 30 ms, p99 1500 ms over 412 answered requests");
  EXPECT_EQ(latency_text({1, 7, 7, 7, 7}), "p50 7 ms, p90 7 ms, p99 7 ms over 1 answered request");
  EXPECT_EQ(latency_text({}), "no answered requests");
}

TEST(LatencyReport, JsonHasNullPercentilesBeforeAnyAnswer) {
  EXPECT_EQ(latency_json(kMeasured), R"({"answered":412,"p50":12,"p90":30,"p99":1500})");
  EXPECT_EQ(latency_json({}), R"({"answered":0,"p50":null,"p90":null,"p99":null})");
}

TEST(LatencyReport, PrometheusSummaryHasQuantilesSumAndCount) {
  const std::string text = latency_metrics_text(kMeasured);
  EXPECT_NE(text.find("# TYPE oneall_bulk_request_latency_seconds summary\n"), std::string::npos);
  EXPECT_NE(text.find("oneall_bulk_request_latency_seconds{quantile=\"0.5\"} 0.012\n"),
            std::string::npos);
  EXPECT_NE(text.find("oneall_bulk_request_latency_seconds{quantile=\"0.99\"} 1.5\n"),
            std::string::npos);
  EXPECT_NE(text.find("oneall_bulk_request_latency_seconds_sum 9\n"), std::string::npos);
  EXPECT_NE(text.find("oneall_bulk_request_latency_seconds_count 412\n"), std::string::npos);
  EXPECT_NE(latency_metrics_text({}).find("{quantile=\"0.9\"} NaN\n"), std::string::npos);
}

}  // namespace
}  // namespace oneall::cli
