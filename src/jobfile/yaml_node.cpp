#include "jobfile/yaml_node.hpp"

#include <set>

namespace oneall::jobfile {

SourcePos position(const DiagnosticList& out, const YAML::Mark& mark) {
  if (mark.is_null() || mark.line < 0) return out.at(0);
  return out.at(static_cast<std::size_t>(mark.line) + 1,
                mark.column < 0 ? 0 : static_cast<std::size_t>(mark.column) + 1);
}

std::string describe(const YamlNode& node) {
  switch (node.resolved().kind) {
    case YamlNode::Kind::kMap:
      return "a map";
    case YamlNode::Kind::kSequence:
      return "a list";
    case YamlNode::Kind::kScalar:
      return "a single value";
    case YamlNode::Kind::kNull:
      break;
  }
  return "nothing";
}

bool for_each_entry(const YamlNode& map, const std::string& prefix, DiagnosticList& out,
                    const std::function<void(const std::string& key, const YamlNode& key_node,
                                             const YamlNode& value)>& visit) {
  bool clean = true;
  // Both entries of a repeated key are kept, so a second `link:` further down would otherwise
  // be silently ignored.
  std::set<std::string> seen;
  const std::vector<YamlNode>& entries = map.resolved().children;
  for (std::size_t i = 0; i + 1 < entries.size(); i += 2) {
    const YamlNode& key = entries[i].resolved();
    const YamlNode& value = entries[i + 1].resolved();
    if (!key.is_scalar()) {
      out.add(position(out, key.mark), prefix.empty() ? "" : prefix.substr(0, prefix.size() - 1),
              "a key must be a plain name, not " + describe(key));
      clean = false;
      continue;
    }
    const std::string& name = key.text;
    if (!seen.insert(name).second) {
      out.add(position(out, key.mark), prefix + name, "is written twice in the same map");
      clean = false;
      continue;
    }
    visit(name, key, value);
  }
  return clean;
}

}  // namespace oneall::jobfile
