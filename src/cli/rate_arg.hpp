// The value of --rate and --identity-rate (docs/cli.md#run): requests per second, per minute or per
// hour ("20", "20/s", "1200/min", "300/h"), turned into requests per second for RunOptions.
// Pure, so every accepted and refused spelling is unit-tested.
#pragma once

#include <string_view>

#include "util/result.hpp"

namespace oneall::cli {

// Requests per second, > 0 and finite. The Error says what was wrong and what is accepted.
Result<double> parse_rate(std::string_view text);

}  // namespace oneall::cli
