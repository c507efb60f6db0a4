#include "sandbox/update_body.hpp"

#include <simdjson.h>

#include <set>

namespace oneall::sandbox {

Result<std::string> check_update_body(api::Target target, std::string_view body) {
  const bool pin = target == api::Target::kPinterestPin;
  if (!pin && target != api::Target::kFacebookPagePost) {
    return Error{"this resource cannot be updated"};
  }
  simdjson::dom::parser parser;
  simdjson::dom::element document;
  if (parser.parse(body.data(), body.size()).get(document) != simdjson::SUCCESS) {
    return Error{"the request body is not valid JSON"};
  }
  const char* object_key = pin ? "pin" : "post";
  simdjson::dom::object fields;
  if (document["request"]["update"][object_key].get(fields) != simdjson::SUCCESS) {
    return Error{std::string("the request body must be {\"request\":{\"update\":{\"") + object_key +
                 "\":{...}}}}"};
  }
  const std::set<std::string_view> allowed =
      pin ? std::set<std::string_view>{"board", "description", "link"}
          : std::set<std::string_view>{"message", "link", "attachments"};
  std::size_t count = 0;
  bool has_link = false, has_attachments = false;
  for (auto field : fields) {
    ++count;
    if (allowed.count(field.key) == 0) {
      return Error{"unknown field " + std::string(field.key)};
    }
    if (field.key == "attachments") {
      has_attachments = true;
      simdjson::dom::array ids;
      if (field.value.get(ids) != simdjson::SUCCESS || ids.size() == 0) {
        return Error{"attachments must be a non-empty list of picture ids"};
      }
      for (auto id : ids) {
        if (!id.is_string() && !id.is_int64() && !id.is_uint64()) {
          return Error{"attachments must hold picture ids"};
        }
      }
    } else if (!field.value.is_string()) {
      return Error{std::string(field.key) + " must be a string"};
    } else if (field.key == "link") {
      has_link = true;
    }
  }
  if (count == 0) return Error{"nothing to update"};
  if (has_link && has_attachments) return Error{"a post takes a link or attachments, not both"};
  return std::string(simdjson::minify(fields));
}

}  // namespace oneall::sandbox
