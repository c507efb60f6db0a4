// A strict reader of RFC 3339 timestamps ("2026-12-31T23:00:00Z", "2026-12-31T23:00:00+01:00",
// fractional seconds allowed), as job files give `not_before` and `expires_at`. g++ 12's
// <chrono> has no parse(), and strptime() accepts too much (no zone, out-of-range days), so
// this reads the grammar of RFC 3339 section 5.6 itself. Pure: no locale, no time zone file.
#pragma once

#include <string_view>

#include "util/clock.hpp"
#include "util/result.hpp"

namespace oneall {

// UTC milliseconds since the Unix epoch; fractional seconds beyond milliseconds are cut off
// (toward the past). The zone is required ("Z" or "+hh:mm" / "-hh:mm"; lowercase "t" and "z"
// as RFC 3339 allows); a leap second (":60") is refused, as Unix time has no place for it.
// The error says what is wrong and shows the form expected.
Result<EpochMs> parse_rfc3339(std::string_view text);

}  // namespace oneall
