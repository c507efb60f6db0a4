// Checks the JSON body of a PUT as the Update API expects it (docs/api.md#request-bodies):
// {"request":{"update":{"pin":{board, description, link}}}} for pins,
// {"request":{"update":{"post":{message, link, attachments}}}} for page posts, and hands back
// the fields it sets so the object book can tell a change from a repeat.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "api/target.hpp"
#include "util/result.hpp"

namespace oneall::sandbox {

struct UpdateField {
  std::string name;        // "board", "message", ...
  std::string value_json;  // the value as compact JSON: "\"photos\"", "[1234567890]"
};

// In the order the body gave them; never empty when the body was accepted.
using UpdateFields = std::vector<UpdateField>;

// The fields the body sets when it is acceptable for `target`, else what is wrong with it.
Result<UpdateFields> check_update_body(api::Target target, std::string_view body);

}  // namespace oneall::sandbox
