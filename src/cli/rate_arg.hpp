// The value of --rate and --identity-rate (docs/cli.md#run): a number of requests, alone (per
// second) or per an amount of time in the grammar of duration_arg.hpp, a unit alone meaning one
// of it ("20", "20/s", "1200/min", "300/hour", "100/90s"), turned into requests per second for
// RunOptions.
// Pure, so every accepted and refused spelling is unit-tested.
#pragma once

#include <string_view>

#include "util/result.hpp"

namespace oneall::cli {

// Requests per second, > 0 and finite. The Error says what was wrong and what is accepted.
Result<double> parse_rate(std::string_view text);

}  // namespace oneall::cli
