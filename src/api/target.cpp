#include "api/target.hpp"

#include <array>
#include <stdexcept>

namespace oneall::api {
namespace {

constexpr std::array<TargetInfo, 5> kTargets = {{
    {Target::kFacebookPagePost, "facebook.page.post", "post", true, true},
    {Target::kFacebookPagePicture, "facebook.page.picture", "picture", true, false},
    {Target::kFacebookPageVideo, "facebook.page.video", "video", true, false},
    {Target::kPinterestPin, "pinterest.pin", "pinterest/pin", false, true},
    {Target::kTwitterTweet, "twitter.tweet", "twitter/post", false, false},
}};

}  // namespace

std::span<const TargetInfo> all_targets() { return kTargets; }

const TargetInfo& target_info(Target target) {
  for (const auto& info : kTargets) {
    if (info.target == target) return info;
  }
  throw std::logic_error("target_info: unknown Target value");
}

std::optional<Target> parse_target(std::string_view name) {
  for (const auto& info : kTargets) {
    if (info.name == name) return info.target;
  }
  return std::nullopt;
}

std::string_view target_name(Target target) { return target_info(target).name; }

std::optional<Op> parse_op(std::string_view name) {
  if (name == "update") return Op::kUpdate;
  if (name == "delete") return Op::kDelete;
  return std::nullopt;
}

std::string_view op_name(Op op) { return op == Op::kUpdate ? "update" : "delete"; }

std::string_view http_method(Op op) { return op == Op::kUpdate ? "PUT" : "DELETE"; }

}  // namespace oneall::api
