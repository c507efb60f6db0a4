// Which of the jobs a JobFilter selects `retry` and `cancel` change (docs/cli.md#retry): the
// rule both backends apply, and the one `--dry-run` counts by, so a dry run says what the real
// command would do.
#pragma once

#include <vector>

#include "store/records.hpp"

namespace oneall::store {

// `retry` moves failed and dead jobs; cancelled ones only when the filter's states name
// `cancelled` (a cancel was a decision, undone only by name). Of those, the ones the filter's
// states allow; none when they allow none.
std::vector<JobState> retry_states(const JobFilter& filter);

// `cancel` takes pending jobs (a job a run holds is running, and left alone), when the filter's
// states allow them.
std::vector<JobState> cancel_states(const JobFilter& filter);

}  // namespace oneall::store
