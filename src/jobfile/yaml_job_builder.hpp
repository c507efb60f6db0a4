// Builds one YAML job's Action from its own fields over the `defaults` (docs/formats.md: a
// job's keys win, a job's `set` replaces the defaults' `set`, a delete inherits no `set`),
// checks it with api::validate(), and hands it to the sink when it has no problem. A bad
// default is reported once, however many jobs inherit it.
#pragma once

#include <set>
#include <string>

#include "jobfile/diagnostic_list.hpp"
#include "jobfile/reader.hpp"
#include "jobfile/yaml_job_fields.hpp"
#include "jobfile/yaml_node.hpp"

namespace oneall::jobfile {

class YamlJobBuilder {
 public:
  YamlJobBuilder(const YamlJobFields& defaults, const ReadOptions& options, DiagnosticList& out)
      : defaults_(defaults), options_(options), out_(out) {}

  // `node` is a map (the caller checks).
  void build(const YamlNode& node, const RecordSink& sink);

  // Whether a job built so far would have taken a field of `late` had it been the defaults:
  // defaults written after the jobs come too late for a reader that builds each job as it
  // comes, and matter only then.
  bool would_inherit_from(const YamlJobFields& late) const;

 private:
  // The fields some job built so far did not set itself.
  struct Unset {
    bool op = false, target = false, identity = false, page_id = false, object_id = false,
         set = false, not_before = false, expires_at = false;
  };

  // Takes the job's schedule (its own fields over the defaults) into `record`; false when a
  // time is broken (reported where it is written) or expires_at is not after not_before.
  bool take_schedule(const YamlJobFields& own, JobRecord& record);

  Unset unset_;
  const YamlJobFields& defaults_;
  const ReadOptions& options_;
  DiagnosticList& out_;
  std::set<std::string> reported_defaults_;  // bounded by the size of the defaults map
};

}  // namespace oneall::jobfile
