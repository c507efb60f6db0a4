#include "jobfile/yaml_job_builder.hpp"

#include <optional>

#include "jobfile/job_fields.hpp"

namespace oneall::jobfile {
namespace {

template <class T>
const Slot<T>& pick(const Slot<T>& own, const Slot<T>& inherited) {
  return own.present ? own : inherited;
}

}  // namespace

void YamlJobBuilder::build(const YamlNode& node, const RecordSink& sink) {
  const SourcePos job_pos = position(out_, node.node_mark());
  const YamlJobFields own = read_job_fields(node, "", out_);
  bool ok = own.clean;
  unset_.op |= !own.op.present;
  unset_.target |= !own.target.present;
  unset_.identity |= !own.identity.present;
  unset_.page_id |= !own.page_id.present;
  unset_.object_id |= !own.object_id.present;
  unset_.not_before |= !own.not_before.present;
  unset_.expires_at |= !own.expires_at.present;

  const Slot<api::Op>& op = pick(own.op, defaults_.op);
  const Slot<api::Target>& target = pick(own.target, defaults_.target);
  if (!op.present) out_.add(job_pos, "op", "is required (expected " + allowed_ops() + ")");
  if (!target.present)
    out_.add(job_pos, "target", "is required (expected " + allowed_targets() + ")");
  if (!op.value || !target.value) return;  // reported here, or where the bad value is

  JobRecord record;
  record.pos = job_pos;
  api::Action& action = record.action;
  action.op = *op.value;
  action.target = *target.value;
  const Slot<std::string>& identity = pick(own.identity, defaults_.identity);
  const Slot<std::string>& page_id = pick(own.page_id, defaults_.page_id);
  const Slot<std::string>& object_id = pick(own.object_id, defaults_.object_id);
  // --identity, when given, is the default under the file's own defaults.
  action.identity = identity.value.value_or(identity.present ? "" : options_.identity.value_or(""));
  action.page_id = page_id.value.value_or("");
  action.object_id = object_id.value.value_or("");
  // A broken value was reported where it is written; validating the rest would only add a
  // second message about it ("is missing").
  if (identity.broken() || page_id.broken() || object_id.broken()) return;

  // A job's `set` REPLACES the defaults' `set` rather than merging key by key: what a job
  // changes is then visible where the job is written, and a default such as `link` cannot
  // slip into a post whose own `set` lists `attachments` (never both). A `set` in the
  // defaults applies to updates only; a delete never inherits it.
  const Slot<SetSpec>* set = nullptr;
  if (action.op == api::Op::kUpdate) {
    unset_.set |= !own.set.present;
    set = &pick(own.set, defaults_.set);
  } else if (own.set.present) {
    out_.add(own.set.pos, "set", "is not allowed on a delete (a delete takes no fields to set)");
    ok = false;
  }
  if (set != nullptr && set->broken()) return;
  if (set != nullptr && set->value) action.fields = set->value->fields;

  const FieldLocator locate = [&](const api::FieldProblem& problem) -> std::optional<FieldPlace> {
    const std::string& field = problem.field;
    SourcePos pos = job_pos;
    bool inherited = false;
    auto at_slot = [&](const auto& picked, const auto& own_slot) {
      if (picked.present) {
        pos = picked.pos;
        inherited = !own_slot.present;  // the value came from `defaults`
      }
    };
    if (field == "op") at_slot(op, own.op);
    if (field == "target") at_slot(target, own.target);
    if (field == "identity") at_slot(identity, own.identity);
    if (field == "page_id") at_slot(page_id, own.page_id);
    if (field == "object_id") at_slot(object_id, own.object_id);
    if (field.starts_with("set") && set != nullptr && set->present) {
      at_slot(*set, own.set);
      const auto& field_pos = set->value->field_pos;
      if (auto it = field_pos.find(field); it != field_pos.end()) pos = it->second;
    }
    // A bad default is one problem, however many jobs inherit it.
    if (inherited && !reported_defaults_.insert(field + '\n' + problem.message).second) {
      return std::nullopt;
    }
    return FieldPlace{pos, field};
  };
  ok = check_action(action, locate, out_) && ok;
  ok = take_schedule(own, record) && ok;
  if (ok) sink(std::move(record));
}

bool YamlJobBuilder::take_schedule(const YamlJobFields& own, JobRecord& record) {
  const Slot<EpochMs>& not_before = pick(own.not_before, defaults_.not_before);
  const Slot<EpochMs>& expires_at = pick(own.expires_at, defaults_.expires_at);
  if (not_before.broken() || expires_at.broken()) return false;
  record.schedule.not_before = not_before.value;
  record.schedule.expires_at = expires_at.value;
  if (!not_before.value || !expires_at.value || *expires_at.value > *not_before.value) return true;
  const std::string message = "must be later than not_before (" +
                              format_utc_ms(*not_before.value) + "): the job could never be sent";
  // Both from `defaults`: one problem, however many jobs inherit it.
  const bool inherited = !own.not_before.present && !own.expires_at.present;
  if (!inherited || reported_defaults_.insert("expires_at\n" + message).second) {
    out_.add(expires_at.pos, "expires_at", message);
  }
  return false;
}

bool YamlJobBuilder::would_inherit_from(const YamlJobFields& late) const {
  // A broken default is reported where it is written, which already makes the file invalid.
  return (unset_.op && late.op.value) || (unset_.target && late.target.value) ||
         (unset_.identity && late.identity.value) || (unset_.page_id && late.page_id.value) ||
         (unset_.object_id && late.object_id.value) || (unset_.set && late.set.value) ||
         (unset_.not_before && late.not_before.value) ||
         (unset_.expires_at && late.expires_at.value);
}

}  // namespace oneall::jobfile
