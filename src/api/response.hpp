// What an Update API answer said, read with simdjson (API.md "Responses"). Tolerant: a body
// that is not JSON, or JSON of another shape, yields parsed == false and empty fields rather
// than an error, because the HTTP status alone must still be classified and audited.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace oneall::api {

struct ApiStatus {
  bool parsed = false;      // the body held response.request.status
  std::string flag;         // "success" | "error" | ...
  std::optional<int> code;  // repeats the HTTP status
  std::string info;         // free text
  std::string result_data;  // response.result.data as compact JSON, when present
};

ApiStatus parse_response(std::string_view body);

}  // namespace oneall::api
