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
#include <string_view>

#include "jobfile/diagnostic_list.hpp"
#include "jobfile/reader.hpp"
#include "jobfile/yaml_input.hpp"
#include "jobfile/yaml_job_builder.hpp"
#include "jobfile/yaml_job_fields.hpp"
#include "jobfile/yaml_node.hpp"
#include "jobfile/yaml_tree_builder.hpp"

namespace oneall::jobfile {

// Thrown out of the parser at the start of a job where a fresh parser can take over: the
// file from `offset` (the start of the job's line) on, after a `jobs:` line of its own, parses
// into the same events as it did in the whole file.
struct YamlRestart {
  std::size_t offset;
  int line;  // 0-based, of the job's line
};

class YamlDocumentReader : public YAML::EventHandler {
 public:
  // The first line a restarted parser reads, standing for the top map and the `jobs` key.
  static constexpr std::string_view kRestartPrefix = "jobs:\n";

  // After `restart_every` jobs, at the start of the next job that allows it, throws a
  // YamlRestart (0: never); `input` says whether the bytes there allow it.
  YamlDocumentReader(const std::string& file, const ReadOptions& options, const RecordSink& sink,
                     const YamlInput* input, std::size_t restart_every);

  // Takes the events of a fresh parser that reads from a YamlRestart's offset.
  void resume_after(const YamlRestart& restart);
  // A mark of the current parser with the line it has in the whole file.
  YAML::Mark in_file(const YAML::Mark& mark) const;

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
  void on_open(YamlNode::Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor, bool block);
  // Skips the events of the restart prefix; true while skipping.
  bool skip_restart_prefix();
  void restart_if_due(const YAML::Mark& job_mark) const;
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

  // Restarting the parser (yaml_reader.cpp says why).
  const YamlInput* input_;
  std::size_t restart_every_;
  std::size_t next_restart_at_;
  bool root_is_block_at_column_0_ = false;
  bool jobs_are_restartable_ = false;  // a block list under a block top map
  bool saw_anchor_ = false;            // an alias after a restart could name it
  int prefix_events_left_ = 0;
  long long offset_shift_ = 0;  // the file offset the current parser's position 0 stands for
  int line_shift_ = 0;
};

}  // namespace oneall::jobfile
