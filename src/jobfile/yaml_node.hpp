// Small helpers over yaml-cpp nodes for the YAML reader: 1-based positions from node marks,
// how a node's kind is named in messages, and walking a map's entries with the checks every
// map of a job file needs (keys are plain names, none appears twice).
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <string>

#include "jobfile/diagnostic_list.hpp"

namespace oneall::jobfile {

// yaml-cpp marks are 0-based, and -1 when a node has none.
SourcePos position(const DiagnosticList& out, const YAML::Mark& mark);

// "a map", "a list", "a single value", "nothing".
std::string describe(const YAML::Node& node);

// Calls `visit(key, key_node, value)` for each entry of `map` in file order. A key that is not
// a plain scalar, or one written twice, is reported (field: `prefix` + key) and skipped.
// Returns false when something was reported.
bool for_each_entry(const YAML::Node& map, const std::string& prefix, DiagnosticList& out,
                    const std::function<void(const std::string& key, const YAML::Node& key_node,
                                             const YAML::Node& value)>& visit);

}  // namespace oneall::jobfile
