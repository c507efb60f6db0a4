// Checks the JSON body of a PUT as the Update API expects it (API.md "Request bodies"):
// {"request":{"update":{"pin":{board, description, link}}}} for pins,
// {"request":{"update":{"post":{message, link, attachments}}}} for page posts.
#pragma once

#include <string>
#include <string_view>

#include "api/target.hpp"
#include "util/result.hpp"

namespace oneall::sandbox {

// The object's fields as compact JSON when the body is acceptable, else what is wrong.
Result<std::string> check_update_body(api::Target target, std::string_view body);

}  // namespace oneall::sandbox
