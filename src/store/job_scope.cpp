#include "store/job_scope.hpp"

#include <algorithm>

namespace oneall::store {
namespace {

bool names(const JobFilter& filter, JobState state) {
  return std::find(filter.states.begin(), filter.states.end(), state) != filter.states.end();
}

// `acted_on` where the filter allows them: all of them when it names no state.
std::vector<JobState> allowed(const JobFilter& filter, std::vector<JobState> acted_on) {
  if (filter.states.empty()) return acted_on;
  std::erase_if(acted_on, [&](JobState state) { return !names(filter, state); });
  return acted_on;
}

}  // namespace

std::vector<JobState> retry_states(const JobFilter& filter) {
  std::vector<JobState> states{JobState::kFailed, JobState::kDead};
  if (names(filter, JobState::kCancelled)) states.push_back(JobState::kCancelled);
  return allowed(filter, std::move(states));
}

std::vector<JobState> cancel_states(const JobFilter& filter) {
  return allowed(filter, {JobState::kPending});
}

}  // namespace oneall::store
