#include "cli/prometheus_text.hpp"

#include <fmt/format.h>

#include <cmath>

namespace oneall::cli {
namespace {

std::string_view type_name(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
    case MetricType::kSummary:
      return "summary";
  }
  return "untyped";
}

std::string escaped(std::string_view text, bool quotes) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quotes) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string escape_label_value(std::string_view value) { return escaped(value, true); }

std::string escape_help(std::string_view help) { return escaped(help, false); }

std::string format_sample_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", value);
}

double seconds(std::int64_t ms) { return static_cast<double>(ms) / 1000.0; }

void PrometheusText::family(std::string_view name, MetricType type, std::string_view help) {
  text_ +=
      fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, escape_help(help), name, type_name(type));
}

void PrometheusText::sample_start(std::string_view name, std::initializer_list<Label> labels) {
  text_ += name;
  if (labels.size() == 0) {
    text_ += ' ';
    return;
  }
  char separator = '{';
  for (const Label& label : labels) {
    text_ += separator;
    text_ += label.name;
    text_ += "=\"";
    text_ += escape_label_value(label.value);
    text_ += '"';
    separator = ',';
  }
  text_ += "} ";
}

void PrometheusText::sample(std::string_view name, std::initializer_list<Label> labels,
                            std::int64_t value) {
  sample_start(name, labels);
  text_ += fmt::format("{}\n", value);
}

void PrometheusText::sample(std::string_view name, std::initializer_list<Label> labels,
                            double value) {
  sample_start(name, labels);
  text_ += format_sample_value(value);
  text_ += '\n';
}

void PrometheusText::gauge(std::string_view name, std::string_view help, std::int64_t value) {
  family(name, MetricType::kGauge, help);
  sample(name, {}, value);
}

void PrometheusText::gauge(std::string_view name, std::string_view help, double value) {
  family(name, MetricType::kGauge, help);
  sample(name, {}, value);
}

}  // namespace oneall::cli
