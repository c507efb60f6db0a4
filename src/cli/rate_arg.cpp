#include "cli/rate_arg.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "cli/duration_arg.hpp"

namespace oneall::cli {

Result<double> parse_rate(std::string_view text) {
  auto refuse = [&](std::string_view why) {
    return Error{fmt::format(
        "invalid rate \"{}\": {}; use a positive number of requests, alone (per second) or per "
        "an amount of time: 20, 20/s, 1200/min, 300/hour, 100/90s (units: {})",
        text, why, kTimeUnits)};
  };
  const std::size_t slash = text.find('/');
  const std::string_view number = text.substr(0, slash);
  double count = 0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), count);
  if (number.empty() || ec != std::errc{} || end != number.data() + number.size() ||
      !std::isfinite(count)) {
    return refuse("not a number");
  }
  if (count <= 0) return refuse("must be greater than zero");
  if (slash == std::string_view::npos) return count;

  const std::string_view per = text.substr(slash + 1);
  auto period_ms = parse_period_ms(per);
  if (!period_ms) return refuse(fmt::format("\"{}\" is not an amount of time", per));
  return count * 1000.0 / static_cast<double>(*period_ms);
}

}  // namespace oneall::cli
