#include "cli/duration_arg.hpp"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>

namespace oneall::cli {
namespace {

constexpr double kMaxMs = 366.0 * 24 * 3600 * 1000;

struct Unit {
  std::string_view name;
  double ms;
};
constexpr std::array<Unit, 9> kUnits{{{"ms", 1},
                                      {"s", 1'000},
                                      {"sec", 1'000},
                                      {"m", 60'000},
                                      {"min", 60'000},
                                      {"h", 3'600'000},
                                      {"hour", 3'600'000},
                                      {"d", 86'400'000},
                                      {"day", 86'400'000}}};

const Unit* find_unit(std::string_view name) {
  for (const Unit& unit : kUnits) {
    if (unit.name == name) return &unit;
  }
  return nullptr;
}

std::string accepted() {
  return fmt::format(
      "use numbers with units, largest first, such as 90s, 15min, 2h or 1h30m (units: {}), or a "
      "plain number of seconds",
      kTimeUnits);
}

// A whole number of milliseconds in its largest exact unit: 100ms, 30s, 1h.
std::string short_form(std::int64_t ms) {
  for (const char* name : {"d", "h", "m", "s"}) {
    const auto unit = static_cast<std::int64_t>(find_unit(name)->ms);
    if (ms % unit == 0) return fmt::format("{}{}", ms / unit, name);
  }
  return fmt::format("{}ms", ms);
}

bool is_number_char(char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '.'; }

}  // namespace

Result<std::int64_t> parse_duration_ms(std::string_view text) {
  auto refuse = [&](std::string_view why) {
    return Error{fmt::format("invalid duration \"{}\": {}; {}", text, why, accepted())};
  };
  if (text.empty()) return refuse("it is empty");

  double total_ms = 0;
  double previous_unit_ms = kMaxMs * 2;  // each component's unit must be smaller than the last
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t number_end = pos;
    while (number_end < text.size() && is_number_char(text[number_end])) ++number_end;
    if (number_end == pos)
      return refuse(fmt::format("expected a number at \"{}\"", text.substr(pos)));
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data() + pos, text.data() + number_end, value);
    if (ec != std::errc{} || end != text.data() + number_end || !std::isfinite(value)) {
      return refuse(fmt::format("\"{}\" is not a number", text.substr(pos, number_end - pos)));
    }
    std::size_t unit_end = number_end;
    while (unit_end < text.size() && std::isalpha(static_cast<unsigned char>(text[unit_end]))) {
      ++unit_end;
    }
    const std::string_view name = text.substr(number_end, unit_end - number_end);
    if (name.empty()) {
      if (pos != 0 || number_end != text.size()) {
        return refuse(fmt::format("\"{}\" has no unit", text.substr(pos, number_end - pos)));
      }
      total_ms = value * 1000;  // a plain number: seconds
      break;
    }
    const Unit* unit = find_unit(name);
    if (unit == nullptr) return refuse(fmt::format("unknown unit \"{}\"", name));
    if (unit->ms >= previous_unit_ms) {
      return refuse(fmt::format("\"{}\" repeats a unit or comes after a smaller one", name));
    }
    previous_unit_ms = unit->ms;
    total_ms += value * unit->ms;
    pos = unit_end;
  }
  if (total_ms > kMaxMs) return refuse("longer than 366 days");
  const auto ms = static_cast<std::int64_t>(std::llround(total_ms));
  if (ms <= 0) return refuse("must be longer than zero");
  return ms;
}

Result<std::int64_t> parse_period_ms(std::string_view text) {
  if (const Unit* unit = find_unit(text)) return static_cast<std::int64_t>(unit->ms);
  return parse_duration_ms(text);
}

Result<std::int64_t> parse_duration_ms_within(std::string_view text, std::int64_t min_ms,
                                              std::int64_t max_ms) {
  auto ms = parse_duration_ms(text);
  if (!ms) return ms;
  if (*ms < min_ms || *ms > max_ms) {
    return Error{fmt::format("\"{}\" is out of range: give {} to {}", text, short_form(min_ms),
                             short_form(max_ms))};
  }
  return ms;
}

Result<std::int64_t> parse_timeout_ms(std::string_view text) {
  return parse_duration_ms_within(text, 100, 3'600'000);
}

std::string duration_help() {
  return fmt::format(
      "A DURATION is numbers with units, largest first (90s, 15min, 2h, 1h30m, 250ms), or a\n"
      "plain number of seconds; units: {}.",
      kTimeUnits);
}

}  // namespace oneall::cli
