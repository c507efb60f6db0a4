#include "cli/state_counts_json.hpp"

#include <fmt/format.h>

namespace oneall::cli {

std::string state_counts_json(const std::map<store::JobState, std::int64_t>& counts) {
  std::string out = "{";
  for (store::JobState state : store::kAllJobStates) {
    auto it = counts.find(state);
    if (out.size() > 1) out += ',';
    out += fmt::format("\"{}\":{}", store::state_name(state), it == counts.end() ? 0 : it->second);
  }
  return out + "}";
}

}  // namespace oneall::cli
