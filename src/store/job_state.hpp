// The states of a queued job (docs/cli.md#job-states) and their names as stored and printed.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string_view>

namespace oneall::store {

enum class JobState { kPending, kRunning, kSucceeded, kFailed, kDead, kCancelled };

inline constexpr std::array<JobState, 6> kAllJobStates = {
    JobState::kPending, JobState::kRunning, JobState::kSucceeded,
    JobState::kFailed,  JobState::kDead,    JobState::kCancelled};

std::string_view state_name(JobState state);  // "pending", ...
std::optional<JobState> parse_state(std::string_view name);

// Counts of jobs by state, every state present (zero included), as status reports them.
using StateCounts = std::map<JobState, std::int64_t>;
StateCounts zero_state_counts();
// A job in flight stays 'pending' in its row (a lease row says it runs): move `in_flight` of
// the pending count to running.
void count_in_flight_as_running(StateCounts& counts, std::int64_t in_flight);

}  // namespace oneall::store
