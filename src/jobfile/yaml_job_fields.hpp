// The fields of one YAML job map, or of the `defaults` map (which may hold any job field), as
// written: each value with where it sits, after the structural checks — known keys only, the
// right node kinds, op and target names known. The YAML reader merges a job over the defaults
// and builds the Action from the result.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "api/action.hpp"
#include "jobfile/diagnostic_list.hpp"
#include "jobfile/yaml_node.hpp"
#include "util/clock.hpp"

namespace oneall::jobfile {

template <class T>
struct Slot {
  bool present = false;    // the key was written
  std::optional<T> value;  // nullopt when present but wrong (already reported)
  SourcePos pos;           // of the value, for later messages about it

  bool broken() const { return present && !value; }
};

// The `set` map of an update.
struct SetSpec {
  api::UpdateFields fields;
  std::map<std::string, SourcePos> field_pos;  // "set.link" -> where its value sits
};

struct YamlJobFields {
  Slot<api::Op> op;
  Slot<api::Target> target;
  Slot<std::string> identity;
  Slot<std::string> page_id;
  Slot<std::string> object_id;
  Slot<SetSpec> set;
  Slot<EpochMs> not_before;  // UTC ms, read from RFC 3339
  Slot<EpochMs> expires_at;
  bool clean = true;  // nothing was reported while reading the map
};

// `map` must be a YAML map (the caller checks). `prefix` goes before every field name in
// messages: "" for a job, "defaults." for the defaults.
YamlJobFields read_job_fields(const YamlNode& map, const std::string& prefix, DiagnosticList& out);

}  // namespace oneall::jobfile
