#include "jobfile/yaml_document_reader.hpp"

#include <utility>

namespace oneall::jobfile {
namespace {

std::string describe_kind(YamlNode::Kind kind) {
  YamlNode node;
  node.kind = kind;
  return describe(node);
}

const char* const kNotAJobFile =
    "a job file must be a map with a `jobs` list (and optional `defaults`), not ";

}  // namespace

YamlDocumentReader::YamlDocumentReader(const std::string& file, const ReadOptions& options,
                                       const RecordSink& sink, const YamlInput* input,
                                       std::size_t restart_every)
    : options_(options),
      sink_(sink),
      keys_out_(file),
      defaults_out_(file),
      jobs_out_(file),
      input_(input),
      restart_every_(restart_every),
      next_restart_at_(restart_every) {}

YAML::Mark YamlDocumentReader::in_file(const YAML::Mark& mark) const {
  if (mark.is_null()) return mark;
  // Only the line: `pos` stays the parser's own (an int, which a whole file could overflow).
  YAML::Mark moved = mark;
  moved.line = mark.line + line_shift_;
  return moved;
}

void YamlDocumentReader::resume_after(const YamlRestart& restart) {
  offset_shift_ =
      static_cast<long long>(restart.offset) - static_cast<long long>(kRestartPrefix.size());
  line_shift_ = restart.line - 1;
  prefix_events_left_ = 3;  // the top map, the `jobs` key, the list
  next_restart_at_ = job_count_ + restart_every_;
}

bool YamlDocumentReader::skip_restart_prefix() {
  if (prefix_events_left_ == 0) return false;
  --prefix_events_left_;
  return true;
}

// At the start of a job: the file from the start of its line on is the rest of the `jobs` list
// and of the top map, if that line is the list's indentation, `- `, then the job.
void YamlDocumentReader::restart_if_due(const YAML::Mark& job_mark) const {
  if (restart_every_ == 0 || job_count_ < next_restart_at_ || !jobs_are_restartable_ ||
      saw_anchor_ || input_ == nullptr || !input_->marks_are_offsets()) {
    return;
  }
  if (job_mark.column <= jobs_mark_.column + 1) return;
  const auto line_start = static_cast<std::size_t>(offset_shift_ + job_mark.pos - job_mark.column);
  const std::string item_start =
      std::string(static_cast<std::size_t>(jobs_mark_.column), ' ') + "- ";
  if (!input_->holds_at(line_start, item_start)) return;
  throw YamlRestart{line_start, job_mark.line};
}

void YamlDocumentReader::move_problems_into(DiagnosticList& out) && {
  out.append(std::move(keys_out_));
  out.append(std::move(defaults_out_));
  out.append(std::move(jobs_out_));
}

void YamlDocumentReader::OnAnchor(const YAML::Mark&, const std::string& anchor_name) {
  saw_anchor_ = true;
  tree_.name_next_anchor(anchor_name);
}

void YamlDocumentReader::OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) {
  if (skip_restart_prefix()) return;
  YamlNode node;
  node.mark = in_file(mark);
  on_leaf(std::move(node), anchor);
}

void YamlDocumentReader::OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                                  const std::string& value) {
  if (skip_restart_prefix()) return;
  YamlNode node;
  node.kind = YamlNode::Kind::kScalar;
  node.mark = in_file(mark);
  node.text = value;
  on_leaf(std::move(node), anchor);
}

void YamlDocumentReader::OnAlias(const YAML::Mark& file_mark, YAML::anchor_t anchor) {
  if (skip_restart_prefix()) return;
  const YAML::Mark mark = in_file(file_mark);
  std::optional<YamlNode> node = tree_.alias(mark, anchor);
  if (!node) {
    // yaml-cpp refuses an alias before its anchor, so this one is inside the top map or the
    // `jobs` list and names it: those two are read as they come, never held whole.
    node.emplace();
    node->mark = mark;
    if (needs_next_node()) {
      DiagnosticList& out = expect_ == Expect::kJob ? jobs_out_
                            : expect_ == Expect::kRootValue && value_for_ == ValueFor::kDefaults
                                ? defaults_out_
                                : keys_out_;
      out.add(position(out, mark), "",
              "an alias to the top map or to the `jobs` list cannot be read inside them: write "
              "the value out instead");
    }
  }
  on_leaf(std::move(*node), YAML::NullAnchor);
}

bool YamlDocumentReader::needs_next_node() const {
  if (expect_ == Expect::kNothing || expect_ == Expect::kRoot) return false;
  if (tree_.building()) return tree_.keeping();
  return expect_ != Expect::kRootValue || value_for_ != ValueFor::kNothing;
}

void YamlDocumentReader::OnSequenceStart(const YAML::Mark& mark, const std::string&,
                                         YAML::anchor_t anchor, YAML::EmitterStyle::value style) {
  if (skip_restart_prefix()) return;
  on_open(YamlNode::Kind::kSequence, in_file(mark), anchor, style == YAML::EmitterStyle::Block);
}

void YamlDocumentReader::OnMapStart(const YAML::Mark& mark, const std::string&,
                                    YAML::anchor_t anchor, YAML::EmitterStyle::value style) {
  if (skip_restart_prefix()) return;
  on_open(YamlNode::Kind::kMap, in_file(mark), anchor, style == YAML::EmitterStyle::Block);
}

void YamlDocumentReader::on_open(YamlNode::Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor,
                                 bool block) {
  if (tree_.building()) {
    tree_.open(kind, mark, anchor, true);
    return;
  }
  switch (expect_) {
    case Expect::kRoot:
      if (kind == YamlNode::Kind::kMap) {
        tree_.note_anchor(anchor);
        root_mark_ = mark;
        root_is_block_at_column_0_ = block && mark.column == 0;
        expect_ = Expect::kRootKey;
      } else {
        keys_out_.add(position(keys_out_, mark), "", kNotAJobFile + describe_kind(kind));
        expect_ = Expect::kNothing;
      }
      return;
    case Expect::kRootKey:
      tree_.open(kind, mark, anchor, false);  // only its kind is said, in a message
      return;
    case Expect::kRootValue:
      if (value_for_ == ValueFor::kJobs && kind == YamlNode::Kind::kSequence) {
        // The one list that is not built: its jobs are taken one at a time.
        tree_.note_anchor(anchor);
        jobs_anchor_ = anchor;
        jobs_mark_ = mark;
        jobs_are_restartable_ = root_is_block_at_column_0_ && block;
        start_jobs(position(jobs_out_, mark));
        expect_ = Expect::kJob;
        return;
      }
      tree_.open(kind, mark, anchor, value_for_ == ValueFor::kDefaults);
      return;
    case Expect::kJob:
      if (kind == YamlNode::Kind::kMap) restart_if_due(mark);
      tree_.open(kind, mark, anchor, kind == YamlNode::Kind::kMap);
      return;
    case Expect::kNothing:
      return;
  }
}

void YamlDocumentReader::on_close() {
  if (tree_.building()) {
    if (std::optional<YamlNode> node = tree_.close()) on_node(*node);
    return;
  }
  if (expect_ == Expect::kJob) {  // the end of the `jobs` list
    tree_.keep_outline(YamlNode::Kind::kSequence, jobs_mark_, jobs_anchor_);
    expect_ = Expect::kRootKey;
  } else if (expect_ == Expect::kRootKey) {  // the end of the top map
    if (!jobs_seen_) {
      jobs_out_.add(position(jobs_out_, root_mark_), "jobs",
                    "is required (expected the list of jobs)");
    }
    expect_ = Expect::kNothing;
  }
}

void YamlDocumentReader::on_leaf(YamlNode node, YAML::anchor_t anchor) {
  if (tree_.building()) {
    tree_.leaf(std::move(node), anchor);
    return;
  }
  switch (expect_) {
    case Expect::kRoot:
      if (node.is_null()) {
        document_is_null_ = true;
      } else {
        keys_out_.add(position(keys_out_, node.node_mark()), "", kNotAJobFile + describe(node));
      }
      expect_ = Expect::kNothing;
      return;
    case Expect::kNothing:
      return;
    default:
      if (std::optional<YamlNode> whole = tree_.leaf(std::move(node), anchor)) on_node(*whole);
      return;
  }
}

void YamlDocumentReader::on_node(const YamlNode& node) {
  const YamlNode& value = node.resolved();
  switch (expect_) {
    case Expect::kRootKey:
      on_root_key(value);
      expect_ = Expect::kRootValue;
      return;
    case Expect::kRootValue:
      if (value_for_ == ValueFor::kDefaults) on_defaults(value);
      if (value_for_ == ValueFor::kJobs) on_jobs_value(value);
      expect_ = Expect::kRootKey;
      return;
    case Expect::kJob:
      on_job(value);
      return;
    case Expect::kRoot:
    case Expect::kNothing:
      return;
  }
}

void YamlDocumentReader::on_root_key(const YamlNode& key) {
  value_for_ = ValueFor::kNothing;
  key_mark_ = key.mark;
  const SourcePos pos = position(keys_out_, key.mark);
  if (!key.is_scalar()) {
    keys_out_.add(pos, "", "a key must be a plain name, not " + describe(key));
    return;
  }
  // The top map's keys are few (two, unless the file is wrong), so a set of them stays small.
  if (!root_keys_.insert(key.text).second) {
    keys_out_.add(pos, key.text, "is written twice in the same map");
    return;
  }
  if (key.text == "defaults") {
    value_for_ = ValueFor::kDefaults;
  } else if (key.text == "jobs") {
    value_for_ = ValueFor::kJobs;
  } else {
    keys_out_.add(pos, key.text, "unknown key (expected defaults or jobs)");
  }
}

void YamlDocumentReader::on_defaults(const YamlNode& value) {
  // `defaults:` with nothing after it is no defaults; anything else must be a map.
  if (value.is_null()) return;
  const SourcePos pos = position(defaults_out_, value.mark);
  if (!value.is_map()) {
    defaults_out_.add(pos, "defaults", "must be a map of job fields, not " + describe(value));
    return;
  }
  YamlJobFields defaults = read_job_fields(value, "defaults.", defaults_out_);
  if (jobs_ && jobs_->would_inherit_from(defaults)) {
    // The jobs were built and handed on as they were read, before these defaults were known.
    defaults_out_.add(pos, "defaults",
                      "must come before `jobs` (the jobs are read one at a time, so defaults "
                      "written after them cannot reach them): move `defaults:` above `jobs:`");
    return;
  }
  defaults_ = std::move(defaults);
}

void YamlDocumentReader::on_jobs_value(const YamlNode& value) {
  const SourcePos pos = position(jobs_out_, value.is_null() ? key_mark_ : value.mark);
  jobs_seen_ = true;
  if (!value.is_sequence()) {
    jobs_out_.add(pos, "jobs", "must be a list of jobs, not " + describe(value));
    return;
  }
  // An alias to a list written (and so built) elsewhere.
  start_jobs(pos);
  for (std::size_t i = 0; i < value.size(); ++i) on_job(value.item(i));
}

void YamlDocumentReader::start_jobs(const SourcePos& pos) {
  jobs_seen_ = true;
  jobs_pos_ = pos;
  jobs_.emplace(defaults_, options_, jobs_out_);
}

void YamlDocumentReader::on_job(const YamlNode& job) {
  ++job_count_;
  if (!job.is_map()) {
    const SourcePos pos = position(jobs_out_, job.mark);
    jobs_out_.add(
        pos.line != 0 ? pos : jobs_pos_, "",
        "job " + std::to_string(job_count_) + " must be a map of job fields, not " + describe(job));
    return;
  }
  jobs_->build(job, sink_);
}

}  // namespace oneall::jobfile
