// Refusing a --batch or --job id that the queue does not hold. `retry --batch 3` of a batch
// that was never imported is a mistake (a typo, the wrong --db), and answering "0 job(s)" would
// hide it; so `report`, `retry`, `cancel` and `run` name the id and exit 2 instead.
#pragma once

#include <iosfwd>
#include <optional>
#include <string_view>

#include "store/queue.hpp"

namespace oneall::cli {

// nullopt when every id `filter` names is in `queue`. Otherwise the exit code, after writing
// why to `err`: kExitUsage for an unknown id, kExitStorage when the queue cannot be read.
std::optional<int> refuse_unknown_ids(store::Queue& queue, const store::JobFilter& filter,
                                      std::string_view command, std::ostream& err);

}  // namespace oneall::cli
