// The text exposition format as Prometheus parses it: HELP and TYPE before a family's samples,
// label values and help escaped, floats written so that they read back, histograms' samples
// under their suffixed names.
#include "cli/prometheus_text.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace oneall::cli {
namespace {

TEST(PrometheusText, WritesAFamilysHelpAndTypeThenItsSamples) {
  PrometheusText out;
  out.family("oneall_bulk_jobs", MetricType::kGauge, "Jobs by state.");
  out.sample("oneall_bulk_jobs", {{"state", "pending"}}, std::int64_t{3});
  out.sample("oneall_bulk_jobs", {{"state", "dead"}, {"batch", "2"}}, std::int64_t{0});
  out.family("oneall_bulk_requests_total", MetricType::kCounter, "Requests.");
  out.sample("oneall_bulk_requests_total", {}, std::int64_t{12});
  out.gauge("oneall_bulk_run_duration_seconds", "Run time.", 1.5);
  EXPECT_EQ(out.text(),
            "# HELP oneall_bulk_jobs Jobs by state.\n"
            "# TYPE oneall_bulk_jobs gauge\n"
            "oneall_bulk_jobs{state=\"pending\"} 3\n"
            "oneall_bulk_jobs{state=\"dead\",batch=\"2\"} 0\n"
            "# HELP oneall_bulk_requests_total Requests.\n"
            "# TYPE oneall_bulk_requests_total counter\n"
            "oneall_bulk_requests_total 12\n"
            "# HELP oneall_bulk_run_duration_seconds Run time.\n"
            "# TYPE oneall_bulk_run_duration_seconds gauge\n"
            "oneall_bulk_run_duration_seconds 1.5\n");
}

TEST(PrometheusText, EscapesLabelValuesAndHelpAsTheFormatSays) {
  EXPECT_EQ(escape_label_value(R"(a\b"c)"
                               "\nd"),
            R"(a\\b\"c\nd)");
  EXPECT_EQ(escape_label_value("plain ünïcode"), "plain ünïcode");
  EXPECT_EQ(escape_help(R"(a\b"c)"
                        "\nd"),
            R"(a\\b"c\nd)");  // quotes stay in help

  PrometheusText out;
  out.family("m", MetricType::kHistogram, "two\nlines");
  out.sample("m_bucket", {{"path", "C:\\dir \"x\"\n"}}, std::int64_t{1});
  EXPECT_EQ(out.text(),
            "# HELP m two\\nlines\n"
            "# TYPE m histogram\n"
            "m_bucket{path=\"C:\\\\dir \\\"x\\\"\\n\"} 1\n");
}

TEST(PrometheusText, WritesFloatsSoThatTheyReadBack) {
  EXPECT_EQ(format_sample_value(0.005), "0.005");
  EXPECT_EQ(format_sample_value(60.0), "60");
  EXPECT_EQ(format_sample_value(1796440562.709), "1796440562.709");
  EXPECT_EQ(format_sample_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_sample_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_sample_value(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(seconds(1'796'440'562'709), 1796440562.709);
  EXPECT_EQ(seconds(250), 0.25);
}

}  // namespace
}  // namespace oneall::cli
