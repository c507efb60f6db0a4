#include "cli/filter_dry_run.hpp"

#include <fmt/format.h>

#include <ostream>

#include "cli/exit_codes.hpp"
#include "cli/open_queue.hpp"
#include "cli/state_counts_json.hpp"

namespace oneall::cli {

int print_filter_dry_run(store::Queue& queue, const store::JobFilter& filter,
                         const FilterChange& change, bool json, const GlobalOptions& global,
                         Streams streams) {
  Result<store::StateCounts> counts = queue.count_jobs(filter);
  if (!counts) {
    streams.err << counts.error().message << '\n';
    return kExitStorage;
  }
  std::int64_t selected = 0;
  std::string by_state;  // "3 failed, 1 dead"
  for (store::JobState state : store::kAllJobStates) {
    const std::int64_t n = (*counts)[state];
    selected += n;
    if (n == 0) continue;
    if (!by_state.empty()) by_state += ", ";
    by_state += fmt::format("{} {}", n, store::state_name(state));
  }
  std::int64_t changed = 0;
  for (store::JobState state : change.acted_on) changed += (*counts)[state];

  if (json) {
    streams.out << with_queue_field(
                       global,
                       fmt::format(R"({{"dry_run":true,"selected":{},"by_state":{},)"
                                   R"("{}":{},"exit_code":0}})",
                                   selected, state_counts_json(*counts), change.json_key, changed))
                << '\n';
    return kExitOk;
  }
  streams.out << queue_line(global, queue) << '\n';
  if (selected == 0) {
    streams.out << fmt::format("{} --dry-run: the filter selects no job\n", change.command);
  } else {
    streams.out << fmt::format("{} --dry-run: the filter selects {} job(s): {}\n", change.command,
                               selected, by_state);
  }
  streams.out << fmt::format("{} job(s) {}; nothing was changed\n", changed, change.would);
  return kExitOk;
}

}  // namespace oneall::cli
