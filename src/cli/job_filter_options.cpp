#include "cli/job_filter_options.hpp"

namespace oneall::cli {

JobFilterOptions::JobFilterOptions(CLI::App& sub, const std::vector<std::string>& states) {
  sub.add_option("--batch", batch_, "Only jobs of this batch id");
  sub.add_option("--state", state_, "Only jobs in this state")->check(CLI::IsMember(states));
  sub.add_option("--job", job_, "Only this job id");
}

store::JobFilter JobFilterOptions::filter() const {
  store::JobFilter filter;
  filter.batch_id = batch_;
  filter.job_id = job_;
  if (!state_.empty()) filter.state = store::parse_state(state_);
  return filter;
}

}  // namespace oneall::cli
