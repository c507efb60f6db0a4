// `prune --before WHEN` (docs/cli.md#prune): a moment in the past, as an age ("90d", "36h":
// duration_arg.hpp's grammar, counted back from now) or an RFC 3339 date ("2026-01-31",
// midnight UTC, or "2026-01-31T12:00:00Z" / "...+01:00"). Pure, so every spelling is unit-tested.
#pragma once

#include <string_view>

#include "util/clock.hpp"
#include "util/result.hpp"

namespace oneall::cli {

// The moment WHEN names, given the time now; an Error says what is accepted. A moment after
// now is refused: it would name jobs that have not ended yet by the time they are read.
Result<EpochMs> parse_before(std::string_view when, EpochMs now);

}  // namespace oneall::cli
