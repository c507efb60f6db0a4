#include "cli/rate_arg.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cmath>

namespace oneall::cli {
namespace {

constexpr std::string_view kAccepted =
    "use a positive number of requests, optionally per s, min or h (20, 20/s, 1200/min, 300/h)";

struct Unit {
  std::string_view name;
  double seconds;
};
constexpr std::array<Unit, 8> kUnits{{{"s", 1},
                                      {"sec", 1},
                                      {"second", 1},
                                      {"m", 60},
                                      {"min", 60},
                                      {"minute", 60},
                                      {"h", 3600},
                                      {"hour", 3600}}};

}  // namespace

Result<double> parse_rate(std::string_view text) {
  auto refuse = [&](std::string_view why) {
    return Error{fmt::format("invalid rate \"{}\": {}; {}", text, why, kAccepted)};
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

  double per_seconds = 1;
  if (slash != std::string_view::npos) {
    const std::string_view unit = text.substr(slash + 1);
    bool known = false;
    for (const Unit& u : kUnits) {
      if (u.name == unit) {
        per_seconds = u.seconds;
        known = true;
      }
    }
    if (!known) return refuse(fmt::format("unknown unit \"{}\"", unit));
  }
  return count / per_seconds;
}

}  // namespace oneall::cli
