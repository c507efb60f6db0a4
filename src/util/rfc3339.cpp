#include "util/rfc3339.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <optional>

namespace oneall {
namespace {

constexpr const char* kExample = "such as 2026-12-31T23:00:00Z or 2026-12-31T23:00:00+01:00";

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (Howard Hinnant's
// days_from_civil), so any year 0000-9999 converts without the C library's time zone.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : kDays[month - 1];
}

// Reads the text left to right; each read either takes what it expects or leaves the reader
// failed, so the checks below stay a plain list.
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  std::optional<int> digits(std::size_t count) {
    if (pos_ + count > text_.size()) return std::nullopt;
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const char c = text_[pos_ + i];
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + (c - '0');
    }
    pos_ += count;
    return value;
  }
  bool take(char expected) { return take_any(expected, expected); }
  bool take_any(char a, char b) {
    if (pos_ >= text_.size() || (text_[pos_] != a && text_[pos_] != b)) return false;
    ++pos_;
    return true;
  }
  // '+' or '-', taken; nullopt (nothing taken) for anything else.
  std::optional<char> take_sign() {
    if (pos_ >= text_.size() || (text_[pos_] != '+' && text_[pos_] != '-')) return std::nullopt;
    return text_[pos_++];
  }
  bool peek_digit() const {
    return pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9';
  }
  bool at_end() const { return pos_ == text_.size(); }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

Error bad(std::string_view text, std::string_view what) {
  return Error{fmt::format("\"{}\" is not a time: {} (expected RFC 3339 with a zone, {})", text,
                           what, kExample)};
}

}  // namespace

Result<EpochMs> parse_rfc3339(std::string_view text) {
  Reader in(text);
  const auto year = in.digits(4);
  if (!year || !in.take('-')) return bad(text, "the date must start with a 4-digit year and '-'");
  const auto month = in.digits(2);
  if (!month || !in.take('-')) return bad(text, "the month must be 2 digits followed by '-'");
  const auto day = in.digits(2);
  if (!day) return bad(text, "the day must be 2 digits");
  if (*month < 1 || *month > 12) return bad(text, "the month must be 01 to 12");
  if (*day < 1 || *day > days_in_month(*year, *month)) {
    return bad(text, fmt::format("{:04}-{:02} has no day {:02}", *year, *month, *day));
  }
  if (in.at_end()) return bad(text, "it has a date but no time and zone");
  if (!in.take_any('T', 't')) return bad(text, "the date and the time must be joined by 'T'");
  const auto hour = in.digits(2);
  const bool hour_ok = hour && in.take(':');
  const auto minute = hour_ok ? in.digits(2) : std::nullopt;
  const bool minute_ok = minute && in.take(':');
  const auto second = minute_ok ? in.digits(2) : std::nullopt;
  if (!second) return bad(text, "the time must be hh:mm:ss");
  if (*hour > 23 || *minute > 59)
    return bad(text, "the hour must be 00 to 23, the minute 00 to 59");
  if (*second == 60) return bad(text, "a leap second (:60) has no Unix time");
  if (*second > 59) return bad(text, "the second must be 00 to 59");

  int millis = 0;
  if (in.take('.')) {
    if (!in.peek_digit()) return bad(text, "a '.' must be followed by digits");
    for (int scale = 100; in.peek_digit(); scale /= 10) {
      const int digit = *in.digits(1);
      millis += digit * scale;  // digits past the third add 0: cut toward the past
    }
  }

  int offset_minutes = 0;
  if (in.take_any('Z', 'z')) {
  } else if (const auto sign = in.take_sign()) {
    const bool negative = *sign == '-';  // "-00:00" (offset unknown) is UTC too
    const auto offset_hour = in.digits(2);
    const bool colon = offset_hour && in.take(':');
    const auto offset_minute = colon ? in.digits(2) : std::nullopt;
    if (!offset_minute) return bad(text, "the zone offset must be +hh:mm or -hh:mm");
    if (*offset_hour > 23 || *offset_minute > 59)
      return bad(text, "the zone offset is out of range");
    offset_minutes = (*offset_hour * 60 + *offset_minute) * (negative ? -1 : 1);
  } else if (in.at_end()) {
    return bad(text, "it has no zone (add Z for UTC, or an offset such as +01:00)");
  } else {
    return bad(text, "the zone must be Z or an offset such as +01:00");
  }
  if (!in.at_end()) return bad(text, "there is more after the zone");

  const std::int64_t days =
      days_from_civil(*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day));
  const std::int64_t seconds = days * 86400 + *hour * 3600 + *minute * 60 + *second -
                               static_cast<std::int64_t>(offset_minutes) * 60;
  return seconds * 1000 + millis;
}

}  // namespace oneall
