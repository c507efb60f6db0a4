// The structure of a YAML job file (docs/formats.md) read from yaml-cpp's parser events as they
// come: a map with an optional `defaults` map and a `jobs` list. The `jobs` list is never built
// whole: each job is built (yaml_tree_builder.hpp), merged over the defaults, checked and handed
// to the sink, then dropped, so memory does not grow with the number of jobs. Problems are
// returned in the order a whole-document reader gives them: the top map's keys, then the
// defaults, then `jobs` itself, then the jobs in file order.
#pragma once

#include <yaml-cpp/eventhandler.h>

#include <cstddef>
#include <optional>
#include <set>
#include <string>

#include "jobfile/diagnostic_list.hpp"
#include "jobfile/reader.hpp"
#include "jobfile/yaml_job_builder.hpp"
#include "jobfile/yaml_job_fields.hpp"
#include "jobfile/yaml_node.hpp"
#include "jobfile/yaml_tree_builder.hpp"

namespace oneall::jobfile {

class YamlDocumentReader : public YAML::EventHandler {
 public:
  YamlDocumentReader(const std::string& file, const ReadOptions& options, const RecordSink& sink);

  // True when the document is nothing at all (`~`, or only `---`).
  bool document_is_null() const { return document_is_null_; }
  // Adds every problem found to `out`, in order; once the parser is done.
  void move_problems_into(DiagnosticList& out) &&;

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override;
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override;
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override;
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value style) override;
  void OnSequenceEnd() override { on_close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value style) override;
  void OnMapEnd() override { on_close(); }
  void OnAnchor(const YAML::Mark& mark, const std::string& anchor_name) override;

 private:
  // What the next node is, in the structure of a job file.
  enum class Expect { kRoot, kRootKey, kRootValue, kJob, kNothing };
  // What the value after a key of the top map is for.
  enum class ValueFor { kDefaults, kJobs, kNothing };

  // Whether the node of the next event is read (not inside something the reader skips).
  bool needs_next_node() const;
  void on_open(YamlNode::Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor);
  void on_close();
  void on_leaf(YamlNode node, YAML::anchor_t anchor);
  void on_node(const YamlNode& node);  // a whole node where `expect_` says
  void on_root_key(const YamlNode& key);
  void on_defaults(const YamlNode& value);
  void on_jobs_value(const YamlNode& value);
  void on_job(const YamlNode& job);
  void start_jobs(const SourcePos& pos);
  void end_root();

  const ReadOptions& options_;
  const RecordSink& sink_;
  YamlTreeBuilder tree_;
  Expect expect_ = Expect::kRoot;
  ValueFor value_for_ = ValueFor::kNothing;
  bool document_is_null_ = false;

  // The problems, by part (see the top of this file).
  DiagnosticList keys_out_;
  DiagnosticList defaults_out_;
  DiagnosticList jobs_out_;

  YAML::Mark root_mark_;
  std::set<std::string> root_keys_;
  YAML::Mark key_mark_;  // of the last key of the top map
  YamlJobFields defaults_;
  std::optional<YamlJobBuilder> jobs_;  // once `jobs` has started
  bool jobs_seen_ = false;
  SourcePos jobs_pos_;
  std::size_t job_count_ = 0;
  YAML::anchor_t jobs_anchor_ = YAML::NullAnchor;
  YAML::Mark jobs_mark_;
};

}  // namespace oneall::jobfile
