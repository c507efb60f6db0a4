#include "sandbox/route.hpp"

#include <optional>
#include <vector>

#include "api/ids.hpp"

namespace oneall::sandbox {
namespace {

// Every segment, empty ones included: "a//b/" is {"a", "", "b", ""}, so an empty id is seen
// (and refused as such) rather than changing the path's shape.
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  for (;;) {
    const std::size_t slash = path.find('/');
    parts.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) return parts;
    path.remove_prefix(slash + 1);
  }
}

}  // namespace

std::string Route::object_key() const {
  return std::string(api::target_name(target)) + "|" + identity + "|" + page_id + "|" + object_id;
}

RouteMatch match_route(std::string_view path) {
  constexpr std::string_view kPrefix = "/update/identities/";
  constexpr std::string_view kSuffix = ".json";
  if (!path.starts_with(kPrefix) || !path.ends_with(kSuffix)) return UnknownPath{};
  path.remove_prefix(kPrefix.size());
  path.remove_suffix(kSuffix.size());
  const auto parts = split_path(path);  // identity, then the resource's segments

  Route route;
  std::optional<api::Target> target;
  if (parts.size() == 6 && parts[1] == "facebook" && parts[2] == "page") {
    if (parts[4] == "post") target = api::Target::kFacebookPagePost;
    if (parts[4] == "picture") target = api::Target::kFacebookPagePicture;
    if (parts[4] == "video") target = api::Target::kFacebookPageVideo;
    route.page_id = parts[3];
  } else if (parts.size() == 4 && parts[1] == "pinterest" && parts[2] == "pin") {
    target = api::Target::kPinterestPin;
  } else if (parts.size() == 4 && parts[1] == "twitter" && parts[2] == "post") {
    target = api::Target::kTwitterTweet;
  }
  if (!target) return UnknownPath{};
  route.target = *target;
  route.identity = parts[0];
  route.object_id = parts.back();

  if (auto why = api::check_identity(route.identity)) return BadId{"identity token " + *why};
  if (!route.page_id.empty() || api::target_info(*target).under_page) {
    if (auto why = api::check_resource_id(route.page_id)) return BadId{"page id " + *why};
  }
  if (auto why = api::check_resource_id(route.object_id)) return BadId{"object id " + *why};
  return route;
}

}  // namespace oneall::sandbox
