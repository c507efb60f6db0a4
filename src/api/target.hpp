// The five Update API resources (docs/api.md#resources): their names in job files, which ops they
// allow, whether they sit under a Facebook page, and how their path is built.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace oneall::api {

enum class Op { kUpdate, kDelete };

enum class Target {
  kFacebookPagePost,
  kFacebookPagePicture,
  kFacebookPageVideo,
  kPinterestPin,
  kTwitterTweet,
};

struct TargetInfo {
  Target target;
  std::string_view name;          // as written in job files: "pinterest.pin"
  std::string_view path_segment;  // the path between the identity and the object id
  bool under_page;                // path holds /facebook/page/{page_id}/
  bool allows_update;             // PUT is allowed (DELETE always is)
};

std::span<const TargetInfo> all_targets();
const TargetInfo& target_info(Target target);
std::optional<Target> parse_target(std::string_view name);
std::string_view target_name(Target target);

std::optional<Op> parse_op(std::string_view name);  // "update" | "delete"
std::string_view op_name(Op op);
std::string_view http_method(Op op);  // "PUT" | "DELETE"

}  // namespace oneall::api
