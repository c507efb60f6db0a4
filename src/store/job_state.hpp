// The states of a queued job (docs/cli.md#job-states) and their names as stored and printed.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace oneall::store {

enum class JobState { kPending, kRunning, kSucceeded, kFailed, kDead, kCancelled };

inline constexpr std::array<JobState, 6> kAllJobStates = {
    JobState::kPending, JobState::kRunning, JobState::kSucceeded,
    JobState::kFailed,  JobState::kDead,    JobState::kCancelled};

std::string_view state_name(JobState state);  // "pending", ...
std::optional<JobState> parse_state(std::string_view name);

}  // namespace oneall::store
