// Builds YamlNodes from yaml-cpp's parser events, one subtree at a time (a job, the `defaults`
// map, a key): the YAML reader starts a subtree where it wants one and takes it back whole when
// its last event arrives. Anchored nodes are kept, shared, for the aliases that name them later;
// a subtree the reader does not need ("discarded": the value of an unknown key, say) keeps only
// its kind and place, and its anchored parts.
#pragma once

#include <yaml-cpp/anchor.h>
#include <yaml-cpp/mark.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "jobfile/yaml_node.hpp"

namespace oneall::jobfile {

class YamlTreeBuilder {
 public:
  // True between the start of a subtree and its end.
  bool building() const { return !open_.empty(); }
  // Whether the innermost open node keeps its children.
  bool keeping() const { return !open_.empty() && open_.back().keep; }

  // yaml-cpp names an anchor just before the event of the node it marks.
  void name_next_anchor(std::string name) { next_anchor_name_ = std::move(name); }

  // A map or a sequence opens. `keep`: whether its children are kept (when it starts a subtree;
  // inside one, children are kept as their parent's are).
  void open(YamlNode::Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor, bool keep);
  // The last open map or sequence closes; returns the subtree when that was its top.
  std::optional<YamlNode> close();
  // A scalar, a null, or an alias (below); returns it when it is a subtree of its own.
  std::optional<YamlNode> leaf(YamlNode node, YAML::anchor_t anchor);

  // For a node the reader streams itself rather than building (see keep_outline): its anchor
  // takes its name.
  void note_anchor(YAML::anchor_t anchor);

  // The alias of the node `anchor` names: it stands for that node, whole, even when the alias
  // is inside it (a loop). nullopt for an anchor of a node the reader streams (see
  // keep_outline) and that is still open.
  std::optional<YamlNode> alias(const YAML::Mark& mark, YAML::anchor_t anchor) const;

  // For the two nodes the reader streams instead of building (the top map and the `jobs` list):
  // an alias to them after they end sees their kind and place.
  void keep_outline(YamlNode::Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor);

 private:
  struct OpenNode {
    YamlNode node;
    // For an anchored node: where it goes when it closes, already named by the anchor.
    std::shared_ptr<YamlNode> shared;
    YAML::anchor_t anchor;
    bool keep;
  };
  // Puts an anchored node where its anchor names it; returns the alias that stands for it in
  // its parent.
  static YamlNode share(YamlNode node, std::shared_ptr<YamlNode> shared);
  std::optional<YamlNode> finish(YamlNode node);

  std::vector<OpenNode> open_;
  std::unordered_map<YAML::anchor_t, std::shared_ptr<YamlNode>> anchors_;
  std::unordered_set<YAML::anchor_t> open_anchors_;  // of the nodes still open
  // An anchor name written again names the new node from there on; the old one is dropped, so
  // memory is bounded by the number of distinct names, not of anchors written.
  std::map<std::string, YAML::anchor_t> anchor_by_name_;
  std::string next_anchor_name_;
};

}  // namespace oneall::jobfile
