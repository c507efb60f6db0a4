#include "cli/job_filter_options.hpp"

#include <utility>

#include "api/ids.hpp"
#include "api/target.hpp"
#include "cli/job_filter_args.hpp"
#include "cli/parsed_option.hpp"
#include "jobfile/job_fields.hpp"

namespace oneall::cli {
namespace {

std::string state_names(const std::vector<store::JobState>& states) {
  std::string list;
  for (store::JobState state : states) {
    if (!list.empty()) list += ",";
    list += store::state_name(state);
  }
  return list;
}

std::string target_names() {
  std::string list;
  for (const api::TargetInfo& info : api::all_targets()) {
    if (!list.empty()) list += ",";
    list += info.name;
  }
  return list;
}

Result<std::string> parse_identity(std::string_view text) {
  if (auto why = api::check_identity(text)) return Error{"identity token " + *why};
  return std::string(text);
}

}  // namespace

JobFilterOptions::JobFilterOptions(CLI::App& sub, std::vector<store::JobState> states)
    : allowed_states_(std::move(states)) {
  sub.add_option("--batch", filter_.batch_id, "Only jobs of this batch id");
  add_parsed_option(
      sub, "--state", filter_.states,
      [this](const std::string& text) { return parse_state_list(text, allowed_states_); },
      "Only jobs in these states, separated by commas")
      ->type_name("STATES:{" + state_names(allowed_states_) + "}");  // the braces: completions
  sub.add_option("--job", filter_.job_id, "Only this job id");
  add_parsed_option(sub, "--http-status", filter_.http_status, parse_http_status,
                    "Only jobs whose last answer had this HTTP status: a code (404) or a class "
                    "(5xx)")
      ->type_name("STATUS");
  add_parsed_option(sub, "--target", filter_.target, jobfile::parse_target_name,
                    "Only jobs on this target")
      ->type_name("TARGET:{" + target_names() + "}");
  add_parsed_option(sub, "--identity", filter_.identity, parse_identity,
                    "Only jobs of this identity token (a UUID)")
      ->type_name("UUID");
}

}  // namespace oneall::cli
