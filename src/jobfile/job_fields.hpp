// What the YAML and CSV readers share once a job's structure has been read: turning `op` and
// `target` text into api values (with messages that list what is allowed), and turning the
// problems api::validate() finds in an Action into Diagnostics placed at the right field.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "api/action.hpp"
#include "jobfile/diagnostic_list.hpp"
#include "util/result.hpp"

namespace oneall::jobfile {

// Error messages: `unknown op "x": expected update or delete`, and the like for targets.
Result<api::Op> parse_op_name(std::string_view text);
Result<api::Target> parse_target_name(std::string_view text);

// "update or delete" / "one of facebook.page.post, ..., twitter.tweet" (from api::all_targets()).
std::string allowed_ops();
std::string allowed_targets();

// Where a field of the job sits in the file, and how the file calls it.
struct FieldPlace {
  SourcePos pos;
  std::string field;
};
// Maps a problem's api field name ("set.link") to a position and the file's own name for the
// field; nullopt when the same problem was already reported at the same place (a bad value
// inherited from `defaults` is reported once, not once per job).
using FieldLocator = std::function<std::optional<FieldPlace>(const api::FieldProblem& problem)>;

// Runs api::validate() and adds one Diagnostic per problem, placed by `locate`. Returns true
// when the Action has no problem.
bool check_action(const api::Action& action, const FieldLocator& locate, DiagnosticList& out);

}  // namespace oneall::jobfile
