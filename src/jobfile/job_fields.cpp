#include "jobfile/job_fields.hpp"

#include "api/target.hpp"

namespace oneall::jobfile {

std::string allowed_ops() { return "update or delete"; }

std::string allowed_targets() {
  std::string list = "one of ";
  bool first = true;
  for (const api::TargetInfo& info : api::all_targets()) {
    if (!first) list += ", ";
    list += info.name;
    first = false;
  }
  return list;
}

Result<api::Op> parse_op_name(std::string_view text) {
  if (auto op = api::parse_op(text)) return *op;
  return Error{"unknown op \"" + std::string(text) + "\" (expected " + allowed_ops() + ")"};
}

Result<api::Target> parse_target_name(std::string_view text) {
  if (auto target = api::parse_target(text)) return *target;
  return Error{"unknown target \"" + std::string(text) + "\" (expected " + allowed_targets() + ")"};
}

bool check_action(const api::Action& action, const FieldLocator& locate, DiagnosticList& out) {
  const std::vector<api::FieldProblem> problems = api::validate(action);
  for (const api::FieldProblem& problem : problems) {
    if (std::optional<FieldPlace> place = locate(problem)) {
      out.add(std::move(place->pos), std::move(place->field), problem.message);
    }
  }
  return problems.empty();
}

}  // namespace oneall::jobfile
