#include "jobfile/yaml_tree_builder.hpp"

#include <utility>

namespace oneall::jobfile {

void YamlTreeBuilder::note_anchor(YAML::anchor_t anchor) {
  if (anchor == YAML::NullAnchor || next_anchor_name_.empty()) return;
  auto [it, inserted] = anchor_by_name_.try_emplace(std::move(next_anchor_name_), anchor);
  if (!inserted) {
    anchors_.erase(it->second);
    it->second = anchor;
  }
  next_anchor_name_.clear();
}

void YamlTreeBuilder::open(YamlNode::Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor,
                           bool keep) {
  note_anchor(anchor);
  const bool parent_keeps = open_.empty() ? keep : open_.back().keep;
  YamlNode node;
  node.kind = kind;
  node.mark = mark;
  std::shared_ptr<YamlNode> shared;
  if (anchor != YAML::NullAnchor) {
    // Named now, so that an alias inside it stands for it; filled when it closes.
    shared = std::make_shared<YamlNode>();
    shared->kind = kind;
    shared->mark = mark;
    anchors_[anchor] = shared;
    open_anchors_.insert(anchor);
  }
  // An anchored node is kept whole whatever its parent does: an alias may name it later.
  const bool keeps = parent_keeps || anchor != YAML::NullAnchor;
  open_.push_back({std::move(node), std::move(shared), anchor, keeps});
}

std::optional<YamlNode> YamlTreeBuilder::close() {
  OpenNode top = std::move(open_.back());
  open_.pop_back();
  if (top.shared) {
    open_anchors_.erase(top.anchor);
    return finish(share(std::move(top.node), std::move(top.shared)));
  }
  return finish(std::move(top.node));
}

std::optional<YamlNode> YamlTreeBuilder::leaf(YamlNode node, YAML::anchor_t anchor) {
  note_anchor(anchor);
  if (anchor != YAML::NullAnchor) {
    auto shared = std::make_shared<YamlNode>();
    anchors_[anchor] = shared;
    node = share(std::move(node), std::move(shared));
  }
  return finish(std::move(node));
}

std::optional<YamlNode> YamlTreeBuilder::finish(YamlNode node) {
  if (open_.empty()) return node;
  OpenNode& parent = open_.back();
  if (parent.keep) parent.node.children.push_back(std::move(node));
  return std::nullopt;
}

YamlNode YamlTreeBuilder::share(YamlNode node, std::shared_ptr<YamlNode> shared) {
  YamlNode alias;
  alias.kind = node.kind;
  alias.mark = node.mark;
  *shared = std::move(node);
  alias.target = std::move(shared);
  return alias;
}

std::optional<YamlNode> YamlTreeBuilder::alias(const YAML::Mark& mark,
                                               YAML::anchor_t anchor) const {
  auto it = anchors_.find(anchor);
  if (it == anchors_.end()) return std::nullopt;
  YamlNode alias;
  alias.kind = it->second->kind;
  alias.mark = mark;
  if (open_anchors_.count(anchor) != 0) {
    alias.loop_target = it->second;
  } else {
    alias.target = it->second;
  }
  return alias;
}

void YamlTreeBuilder::keep_outline(YamlNode::Kind kind, const YAML::Mark& mark,
                                   YAML::anchor_t anchor) {
  if (anchor == YAML::NullAnchor) return;
  auto outline = std::make_shared<YamlNode>();
  outline->kind = kind;
  outline->mark = mark;
  anchors_[anchor] = std::move(outline);
}

}  // namespace oneall::jobfile
