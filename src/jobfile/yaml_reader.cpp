// read_yaml_file: the document structure (a map with optional `defaults` and a `jobs` list),
// merging each job over the defaults, and handing each valid job to the sink in file order.
// yaml-cpp loads the whole document, which is fine for YAML (large files are CSV, which streams).
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <optional>
#include <set>
#include <string_view>
#include <vector>

#include "jobfile/diagnostic_list.hpp"
#include "jobfile/input_file.hpp"
#include "jobfile/job_fields.hpp"
#include "jobfile/reader.hpp"
#include "jobfile/yaml_job_fields.hpp"
#include "jobfile/yaml_node.hpp"

namespace oneall::jobfile {
namespace {

constexpr std::size_t kChunkBytes = 64 * 1024;

Result<std::string> read_all(const std::string& path) {
  Result<InputFile> file = InputFile::open(path);
  if (!file) return file.error();
  std::string text;
  std::vector<char> chunk(kChunkBytes);
  while (true) {
    Result<std::size_t> got = file->read(chunk);
    if (!got) return got.error();
    if (*got == 0) break;
    text.append(chunk.data(), *got);
  }
  return text;
}

// The line of a `---` or `...` marker that starts or ends a document when a document came
// before it, else 0. A marker is always at the start of a line (YAML forbids `---` and `...`
// at column 1 inside scalars), so a line scan finds them without parsing.
std::size_t second_document_line(std::string_view text) {
  bool content_before = false;  // a document (or its `---`) came before this line
  std::size_t line = 1;
  for (std::size_t at = 0; at < text.size(); ++line) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    std::string_view row = text.substr(at, end - at);
    at = end + 1;
    if (!row.empty() && row.back() == '\r') row.remove_suffix(1);
    const bool marker = (row.starts_with("---") || row.starts_with("...")) &&
                        (row.size() == 3 || row[3] == ' ' || row[3] == '\t');
    if (marker) {
      if (content_before && row.starts_with("---")) return line;
      if (row.starts_with("...")) {
        // Anything but comments after an end marker is another document.
        const std::string_view rest = text.substr(std::min(at, text.size()));
        std::size_t next_line = line + 1;
        for (std::size_t p = 0; p < rest.size(); ++next_line) {
          const std::size_t e = std::min(rest.find('\n', p), rest.size());
          const std::string_view r = rest.substr(p, e - p);
          p = e + 1;
          const std::size_t first = r.find_first_not_of(" \t\r");
          if (first != std::string_view::npos && r[first] != '#') return next_line;
        }
        return 0;
      }
      content_before = true;
      continue;
    }
    const std::size_t first = row.find_first_not_of(" \t");
    if (first != std::string_view::npos && row[first] != '#' && row[first] != '%') {
      content_before = true;
    }
  }
  return 0;
}

// Builds one job's Action from its own fields over the defaults, checks it, and hands it on.
class JobBuilder {
 public:
  JobBuilder(const YamlJobFields& defaults, const ReadOptions& options, DiagnosticList& out)
      : defaults_(defaults), options_(options), out_(out) {}

  void build(const YAML::Node& node, const RecordSink& sink) {
    const SourcePos job_pos = position(out_, node.Mark());
    const YamlJobFields own = read_job_fields(node, "", out_);
    bool ok = own.clean;

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
    action.identity =
        identity.value.value_or(identity.present ? "" : options_.identity.value_or(""));
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
    if (ok) sink(std::move(record));
  }

 private:
  template <class T>
  static const Slot<T>& pick(const Slot<T>& own, const Slot<T>& inherited) {
    return own.present ? own : inherited;
  }

  const YamlJobFields& defaults_;
  const ReadOptions& options_;
  DiagnosticList& out_;
  std::set<std::string> reported_defaults_;  // bounded by the size of the defaults map
};

void read_document(const YAML::Node& root, const ReadOptions& options, const RecordSink& sink,
                   DiagnosticList& out) {
  if (!root.IsMap()) {
    out.add(position(out, root.Mark()), "",
            "a job file must be a map with a `jobs` list (and optional `defaults`), not " +
                describe(root));
    return;
  }
  // A default-constructed YAML::Node is a null node, not "absent": hence the optionals.
  std::optional<YAML::Node> defaults_node;
  std::optional<YAML::Node> jobs_node;
  SourcePos jobs_pos;
  for_each_entry(root, "", out,
                 [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& value) {
                   if (key == "defaults") {
                     defaults_node = value;
                   } else if (key == "jobs") {
                     jobs_node = value;
                     jobs_pos = position(out, (value.IsNull() ? key_node : value).Mark());
                   } else {
                     out.add(position(out, key_node.Mark()), key,
                             "unknown key (expected defaults or jobs)");
                   }
                 });

  YamlJobFields defaults;
  // `defaults:` with nothing after it is no defaults; anything else must be a map.
  if (defaults_node && !defaults_node->IsNull()) {
    if (defaults_node->IsMap()) {
      defaults = read_job_fields(*defaults_node, "defaults.", out);
    } else {
      out.add(position(out, defaults_node->Mark()), "defaults",
              "must be a map of job fields, not " + describe(*defaults_node));
    }
  }

  if (!jobs_node) {
    out.add(position(out, root.Mark()), "jobs", "is required (expected the list of jobs)");
    return;
  }
  if (!jobs_node->IsSequence()) {
    out.add(jobs_pos, "jobs", "must be a list of jobs, not " + describe(*jobs_node));
    return;
  }
  JobBuilder builder(defaults, options, out);
  for (std::size_t i = 0; i < jobs_node->size(); ++i) {
    const YAML::Node job = (*jobs_node)[i];
    if (!job.IsMap()) {
      const SourcePos pos = position(out, job.Mark());
      out.add(
          pos.line != 0 ? pos : jobs_pos, "",
          "job " + std::to_string(i + 1) + " must be a map of job fields, not " + describe(job));
      continue;
    }
    builder.build(job, sink);
  }
}

}  // namespace

std::vector<Diagnostic> read_yaml_text(std::string_view text, const std::string& name,
                                       const ReadOptions& options, const RecordSink& sink) {
  DiagnosticList out(name);
  // Jobs after a `---` would otherwise be silently ignored. Found before parsing: yaml-cpp
  // 0.7's LoadAll() can loop without end, growing memory, on some broken second documents
  // (found by tests/fuzz), so only the first document is ever parsed.
  if (const std::size_t line = second_document_line(text); line != 0) {
    out.add(out.at(line, 1), "",
            "a job file holds one YAML document; this is a second one (remove the `---`)");
  }
  YAML::Node document;
  try {
    document = YAML::Load(std::string(text));
  } catch (const YAML::Exception& error) {
    out.add(position(out, error.mark), "", "YAML syntax error: " + error.msg);
    return std::move(out).take();
  }
  if (document.IsNull()) {
    if (out.count() == 0) {
      out.add_file_problem("the file is empty: expected a map with a `jobs` list");
    }
    return std::move(out).take();
  }
  read_document(document, options, sink, out);
  return std::move(out).take();
}

std::vector<Diagnostic> read_yaml_file(const std::string& path, const ReadOptions& options,
                                       const RecordSink& sink) {
  Result<std::string> text = read_all(path);
  if (!text) {
    DiagnosticList out(path);
    out.add_file_problem(text.error().message);
    return std::move(out).take();
  }
  return read_yaml_text(*text, path, options, sink);
}

}  // namespace oneall::jobfile
