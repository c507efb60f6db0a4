#include "jobfile/yaml_node.hpp"

#include <set>

namespace oneall::jobfile {

SourcePos position(const DiagnosticList& out, const YAML::Mark& mark) {
  if (mark.is_null() || mark.line < 0) return out.at(0);
  return out.at(static_cast<std::size_t>(mark.line) + 1,
                mark.column < 0 ? 0 : static_cast<std::size_t>(mark.column) + 1);
}

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "a single value";
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing";
}

bool for_each_entry(const YAML::Node& map, const std::string& prefix, DiagnosticList& out,
                    const std::function<void(const std::string& key, const YAML::Node& key_node,
                                             const YAML::Node& value)>& visit) {
  bool clean = true;
  // yaml-cpp keeps both entries of a repeated key (lookups see only the first), so a second
  // `link:` further down would otherwise be silently ignored.
  std::set<std::string> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    // Copies: yaml-cpp's iterator hands out a temporary pair, and Nodes are cheap handles.
    const YAML::Node key = it->first;
    const YAML::Node value = it->second;
    if (!key.IsScalar()) {
      out.add(position(out, key.Mark()), prefix.empty() ? "" : prefix.substr(0, prefix.size() - 1),
              "a key must be a plain name, not " + describe(key));
      clean = false;
      continue;
    }
    const std::string& name = key.Scalar();
    if (!seen.insert(name).second) {
      out.add(position(out, key.Mark()), prefix + name, "is written twice in the same map");
      clean = false;
      continue;
    }
    visit(name, key, value);
  }
  return clean;
}

}  // namespace oneall::jobfile
