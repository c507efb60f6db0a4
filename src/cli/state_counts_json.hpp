// Job counts per state as one JSON object, every state present (zero included) so that a script
// can read any key: what `status --json` and `import --json` print.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "store/job_state.hpp"

namespace oneall::cli {

// {"pending":3,"running":0,"succeeded":1,"failed":0,"dead":0,"cancelled":2}
std::string state_counts_json(const std::map<store::JobState, std::int64_t>& counts);

}  // namespace oneall::cli
