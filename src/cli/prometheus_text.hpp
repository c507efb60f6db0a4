// Prometheus's text exposition format (version 0.0.4), as node_exporter's textfile collector
// and `promtool check metrics` read it: each metric family is a HELP line, a TYPE line, then its
// samples, with help text and label values escaped as the format says. Pure text building:
// queue_metrics (status) and run_metrics (run --metrics-file) say what the numbers are.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace oneall::cli {

enum class MetricType { kCounter, kGauge, kHistogram, kSummary };

struct Label {
  std::string_view name;
  std::string_view value;
};

class PrometheusText {
 public:
  // Starts a metric family. Its samples must follow before the next family starts: the format
  // allows a family only once.
  void family(std::string_view name, MetricType type, std::string_view help);
  // One sample line. `name` is the family's, or for a histogram or a summary the family's with
  // _bucket, _sum or _count.
  void sample(std::string_view name, std::initializer_list<Label> labels, std::int64_t value);
  void sample(std::string_view name, std::initializer_list<Label> labels, double value);

  // A family of one sample without labels.
  void gauge(std::string_view name, std::string_view help, std::int64_t value);
  void gauge(std::string_view name, std::string_view help, double value);

  const std::string& text() const { return text_; }

 private:
  void sample_start(std::string_view name, std::initializer_list<Label> labels);
  std::string text_;
};

// A label value as the format writes it between double quotes: \ " and newline escaped.
std::string escape_label_value(std::string_view value);
// HELP text: \ and newline escaped.
std::string escape_help(std::string_view help);
// A float as the format reads it: NaN, +Inf, -Inf, or the shortest decimal that reads back
// the same.
std::string format_sample_value(double value);
// Milliseconds since the epoch as the seconds the format's timestamps and durations are in.
double seconds(std::int64_t ms);

}  // namespace oneall::cli
