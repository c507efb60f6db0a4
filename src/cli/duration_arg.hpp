// Amounts of time on the command line (docs/cli.md#run), in one grammar for every option that
// takes one (--deadline, --retry-base, --retry-cap, --timeout) and for the "per" part of a rate
// (rate_arg.hpp): "90s", "15min", "2h", "1h30m", "250ms", or a plain number of seconds ("90").
// Pure, so every spelling is unit-tested.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace oneall::cli {

// The units, for --help texts and messages: every unit that parse_duration_ms accepts.
inline constexpr std::string_view kTimeUnits =
    "ms; s or sec; m or min; h or hour; d or day";

// Components NUMBER UNIT, largest unit first, each unit at most once, each number non-negative
// (decimals allowed: "1.5h"); a plain number is seconds. The total must be > 0 and at most
// 366 days. The Error says what was wrong and what is accepted.
Result<std::int64_t> parse_duration_ms(std::string_view text);

// The same, and also a unit alone, meaning one of it ("min" is 60000): the "per" of a rate.
Result<std::int64_t> parse_period_ms(std::string_view text);

// parse_duration_ms, then at least `min_ms` and at most `max_ms` (the Error says so, in the
// option's terms).
Result<std::int64_t> parse_duration_ms_within(std::string_view text, std::int64_t min_ms,
                                              std::int64_t max_ms);

// A request's timeout (--timeout of `run` and `check`): 100ms to 1h.
Result<std::int64_t> parse_timeout_ms(std::string_view text);

// For a command's --help: what a DURATION is.
std::string duration_help();

}  // namespace oneall::cli
