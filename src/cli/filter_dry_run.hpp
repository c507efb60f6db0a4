// `retry --dry-run` and `cancel --dry-run`: how many jobs a filter selects, by state, and how many
// of them the command would change (store/job_scope.hpp, the rule the change itself applies).
// Reads only: nothing changes.
#pragma once

#include <string_view>
#include <vector>

#include "cli/command.hpp"
#include "store/queue.hpp"

namespace oneall::cli {

struct FilterChange {
  std::string_view command;               // "retry"
  std::string_view would;                 // "would move back to pending"
  std::string_view json_key;              // "would_retry"
  std::vector<store::JobState> acted_on;  // of the selected jobs, the states it changes
};

// Prints the counts (one JSON object with --json) and returns the exit code.
int print_filter_dry_run(store::Queue& queue, const store::JobFilter& filter,
                         const FilterChange& change, bool json, const GlobalOptions& global,
                         Streams streams);

}  // namespace oneall::cli
