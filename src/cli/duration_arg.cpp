#include "cli/duration_arg.hpp"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>

namespace oneall::cli {
namespace {

constexpr std::string_view kAccepted =
    "use a number with a unit, such as 90s, 15m, 2h or 1h30m, or a plain number of seconds";
constexpr double kMaxMs = 366.0 * 24 * 3600 * 1000;

struct Unit {
  std::string_view name;
  double ms;
};
// Largest first: components must come in this order.
constexpr std::array<Unit, 5> kUnits{
    {{"d", 86'400'000}, {"h", 3'600'000}, {"m", 60'000}, {"s", 1'000}, {"ms", 1}}};

bool is_number_char(char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '.'; }

}  // namespace

Result<std::int64_t> parse_duration_ms(std::string_view text) {
  auto refuse = [&](std::string_view why) {
    return Error{fmt::format("invalid duration \"{}\": {}; {}", text, why, kAccepted)};
  };
  if (text.empty()) return refuse("it is empty");

  double total_ms = 0;
  std::size_t next_unit = 0;  // index in kUnits a component may use, at least
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
    const std::string_view unit = text.substr(number_end, unit_end - number_end);
    if (unit.empty()) {
      if (pos != 0 || number_end != text.size()) {
        return refuse(fmt::format("\"{}\" has no unit", text.substr(pos, number_end - pos)));
      }
      total_ms = value * 1000;  // a plain number: seconds
      break;
    }
    std::size_t found = kUnits.size();
    for (std::size_t i = 0; i < kUnits.size(); ++i) {
      if (kUnits[i].name == unit) found = i;
    }
    if (found == kUnits.size()) {
      return refuse(fmt::format("unknown unit \"{}\" (units: d, h, m, s, ms)", unit));
    }
    if (found < next_unit) {
      return refuse(fmt::format("\"{}\" repeats a unit or comes after a smaller one", unit));
    }
    next_unit = found + 1;
    total_ms += value * kUnits[found].ms;
    pos = unit_end;
  }
  if (total_ms > kMaxMs) return refuse("longer than 366 days");
  const auto ms = static_cast<std::int64_t>(std::llround(total_ms));
  if (ms <= 0) return refuse("must be longer than zero");
  return ms;
}

}  // namespace oneall::cli
