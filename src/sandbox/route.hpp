// Which Update API resource a request path names (docs/api.md#resources), parsed strictly: the
// sandbox answers 404 for anything else and 400 for a known shape with a malformed id.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "api/target.hpp"

namespace oneall::sandbox {

struct Route {
  api::Target target;
  std::string identity;
  std::string page_id;  // empty unless a facebook.page.* target
  std::string object_id;

  // The object's identity in the sandbox's book: identity|target|page|object.
  std::string object_key() const;
};

struct UnknownPath {};
struct BadId {
  std::string message;  // "object id holds '%' ..."
};

using RouteMatch = std::variant<Route, UnknownPath, BadId>;

RouteMatch match_route(std::string_view path);

}  // namespace oneall::sandbox
