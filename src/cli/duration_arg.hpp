// --deadline's value (docs/cli.md#run): a duration such as "90s", "15m", "2h", "1h30m" or a plain
// number of seconds ("90"), in milliseconds. Pure, so every spelling is unit-tested.
#pragma once

#include <cstdint>
#include <string_view>

#include "util/result.hpp"

namespace oneall::cli {

// Components d, h, m, s, ms in that order, each at most once, each a non-negative number
// (decimals allowed: "1.5h"); a plain number is seconds. The total must be > 0 and at most
// 366 days. The Error says what was wrong and what is accepted.
Result<std::int64_t> parse_duration_ms(std::string_view text);

}  // namespace oneall::cli
