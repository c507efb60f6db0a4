// One YAML node of a job file as the YAML reader keeps it: a job, the `defaults` map, or a part
// of them, built from yaml-cpp's parser events (yaml_tree_builder.hpp) one job at a time, so
// that the file itself is never held whole. Also the helpers every map of a job file needs:
// 1-based positions, how a node's kind is named in messages, and walking a map's entries
// (keys are plain names, none appears twice).
#pragma once

#include <yaml-cpp/mark.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "jobfile/diagnostic_list.hpp"

namespace oneall::jobfile {

struct YamlNode {
  enum class Kind { kNull, kScalar, kSequence, kMap };

  Kind kind = Kind::kNull;
  YAML::Mark mark;
  std::string text;  // a scalar as written: `007` stays "007", `yes` stays "yes"
  // A sequence's items; a map's keys and values, alternating, in file order (a key written
  // twice is kept twice, so that it can be reported).
  std::vector<YamlNode> children;
  // Set on an anchored node and on an alias: the node both stand for, shared rather than copied
  // (as yaml-cpp's own nodes are), so that aliases of aliases cannot multiply memory.
  std::shared_ptr<const YamlNode> target;
  // An alias inside the node its anchor marks (a loop): weak, so that the loop does not keep
  // itself alive.
  std::weak_ptr<const YamlNode> loop_target;

  // What this node stands for: itself, or the node an anchor or alias names.
  const YamlNode& resolved() const {
    if (target) return *target;
    if (const std::shared_ptr<const YamlNode> loop = loop_target.lock()) return *loop;
    return *this;
  }

  bool is_null() const { return resolved().kind == Kind::kNull; }
  bool is_scalar() const { return resolved().kind == Kind::kScalar; }
  bool is_sequence() const { return resolved().kind == Kind::kSequence; }
  bool is_map() const { return resolved().kind == Kind::kMap; }
  const std::string& scalar() const { return resolved().text; }
  const YAML::Mark& node_mark() const { return resolved().mark; }
  // Items of a sequence (0 for anything else).
  std::size_t size() const { return is_sequence() ? resolved().children.size() : 0; }
  const YamlNode& item(std::size_t i) const { return resolved().children[i].resolved(); }
};

// yaml-cpp marks are 0-based, and -1 when a node has none.
SourcePos position(const DiagnosticList& out, const YAML::Mark& mark);

// "a map", "a list", "a single value", "nothing".
std::string describe(const YamlNode& node);

// Calls `visit(key, key_node, value)` for each entry of `map` in file order. A key that is not
// a plain scalar, or one written twice, is reported (field: `prefix` + key) and skipped.
// Returns false when something was reported.
bool for_each_entry(const YamlNode& map, const std::string& prefix, DiagnosticList& out,
                    const std::function<void(const std::string& key, const YamlNode& key_node,
                                             const YamlNode& value)>& visit);

}  // namespace oneall::jobfile
