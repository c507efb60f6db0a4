#include "cli/before_arg.hpp"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <ctime>
#include <optional>

#include "cli/duration_arg.hpp"

namespace oneall::cli {
namespace {

// Reads `count` digits at `at` into `value`.
bool digits(std::string_view text, std::size_t at, std::size_t count, int& value) {
  if (at + count > text.size()) return false;
  for (std::size_t i = at; i < at + count; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return std::from_chars(text.data() + at, text.data() + at + count, value).ec == std::errc();
}

// "YYYY-MM-DD", then optionally "THH:MM:SS", fractional seconds, and "Z" or "±HH:MM".
std::optional<EpochMs> parse_rfc3339(std::string_view text) {
  std::tm tm{};
  int year = 0;
  int month = 0;
  int day = 0;
  if (!digits(text, 0, 4, year) || text.size() < 10 || text[4] != '-' ||
      !digits(text, 5, 2, month) || text[7] != '-' || !digits(text, 8, 2, day)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  std::int64_t offset_ms = 0;
  std::int64_t fraction_ms = 0;
  std::size_t at = 10;
  if (at < text.size()) {
    if ((text[at] != 'T' && text[at] != 't' && text[at] != ' ') ||
        !digits(text, at + 1, 2, tm.tm_hour) || text.size() < at + 9 || text[at + 3] != ':' ||
        !digits(text, at + 4, 2, tm.tm_min) || text[at + 6] != ':' ||
        !digits(text, at + 7, 2, tm.tm_sec)) {
      return std::nullopt;
    }
    if (tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60) return std::nullopt;
    at += 9;
    if (at < text.size() && text[at] == '.') {
      std::int64_t scale = 100;
      for (++at; at < text.size() && std::isdigit(static_cast<unsigned char>(text[at])); ++at) {
        fraction_ms += (text[at] - '0') * scale;
        scale /= 10;
      }
    }
    if (at == text.size()) return std::nullopt;  // a time needs its zone
    if (text[at] == 'Z' || text[at] == 'z') {
      ++at;
    } else if (text[at] == '+' || text[at] == '-') {
      int hours = 0;
      int minutes = 0;
      if (!digits(text, at + 1, 2, hours) || text.size() < at + 6 || text[at + 3] != ':' ||
          !digits(text, at + 4, 2, minutes) || hours > 23 || minutes > 59) {
        return std::nullopt;
      }
      offset_ms = (hours * 60 + minutes) * 60'000LL * (text[at] == '+' ? 1 : -1);
      at += 6;
    } else {
      return std::nullopt;
    }
  }
  if (at != text.size()) return std::nullopt;
  const std::time_t seconds = timegm(&tm);
  if (tm.tm_mday != day) return std::nullopt;  // timegm normalised a day that does not exist
  return static_cast<EpochMs>(seconds) * 1000 + fraction_ms - offset_ms;
}

}  // namespace

Result<EpochMs> parse_before(std::string_view when, EpochMs now) {
  EpochMs before = 0;
  if (auto date = parse_rfc3339(when)) {
    before = *date;
  } else if (auto age = parse_duration_ms(when)) {
    before = now - *age;
  } else {
    return Error{fmt::format(
        "invalid --before \"{}\": give an age such as 90d, 36h or 1d12h (jobs that last changed "
        "longer ago than that), or an RFC 3339 date such as 2026-01-31 (midnight UTC) or "
        "2026-01-31T12:00:00Z",
        when)};
  }
  if (before > now) {
    return Error{
        fmt::format("--before \"{}\" is in the future ({}): prune takes only jobs that "
                    "ended before a moment already past",
                    when, format_utc_ms(before))};
  }
  return before;
}

}  // namespace oneall::cli
