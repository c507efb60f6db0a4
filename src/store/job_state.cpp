#include "store/job_state.hpp"

namespace oneall::store {

std::string_view state_name(JobState state) {
  switch (state) {
    case JobState::kPending:
      return "pending";
    case JobState::kRunning:
      return "running";
    case JobState::kSucceeded:
      return "succeeded";
    case JobState::kFailed:
      return "failed";
    case JobState::kDead:
      return "dead";
    case JobState::kCancelled:
      return "cancelled";
  }
  return "unknown";
}

std::optional<JobState> parse_state(std::string_view name) {
  for (JobState state : kAllJobStates) {
    if (state_name(state) == name) return state;
  }
  return std::nullopt;
}

StateCounts zero_state_counts() {
  StateCounts counts;
  for (JobState state : kAllJobStates) counts[state] = 0;
  return counts;
}

void count_in_flight_as_running(StateCounts& counts, std::int64_t in_flight) {
  counts[JobState::kPending] -= in_flight;
  counts[JobState::kRunning] += in_flight;
}

}  // namespace oneall::store
