// The options that choose jobs for `report`, `retry` and `cancel` (docs/cli.md#choosing-jobs):
// --batch, --job, --state (a list), --http-status (a code or a class), --target and --identity,
// every one given must match; and the store::JobFilter they make. Each value is checked while
// the command line is parsed, so a bad one is a usage error (exit 2) that says what is
// accepted. `states` limits --state to the states the command acts on.
#pragma once

#include <CLI/CLI.hpp>
#include <vector>

#include "store/records.hpp"

namespace oneall::cli {

class JobFilterOptions {
 public:
  JobFilterOptions(CLI::App& sub, std::vector<store::JobState> states);
  JobFilterOptions(const JobFilterOptions&) = delete;  // the option callbacks hold `this`
  JobFilterOptions& operator=(const JobFilterOptions&) = delete;
  const store::JobFilter& filter() const { return filter_; }

 private:
  std::vector<store::JobState> allowed_states_;
  store::JobFilter filter_;
};

}  // namespace oneall::cli
