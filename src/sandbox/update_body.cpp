#include "sandbox/update_body.hpp"

#include <simdjson.h>

#include <algorithm>
#include <array>

namespace oneall::sandbox {
namespace {

constexpr std::array<std::string_view, 3> kPinFields = {"board", "description", "link"};
constexpr std::array<std::string_view, 3> kPostFields = {"message", "link", "attachments"};

// attachments: a non-empty list of picture ids (numbers, as docs/api.md shows, or strings).
bool is_id_list(simdjson::dom::element value) {
  simdjson::dom::array ids;
  if (value.get(ids) != simdjson::SUCCESS || ids.size() == 0) return false;
  for (simdjson::dom::element id : ids) {
    if (!id.is_string() && !id.is_int64() && !id.is_uint64()) return false;
  }
  return true;
}

}  // namespace

Result<UpdateFields> check_update_body(api::Target target, std::string_view body) {
  const bool pin = target == api::Target::kPinterestPin;
  if (!pin && target != api::Target::kFacebookPagePost) {
    return Error{"this resource cannot be updated"};
  }
  simdjson::dom::parser parser;
  simdjson::dom::element document;
  if (parser.parse(body.data(), body.size()).get(document) != simdjson::SUCCESS) {
    return Error{"the request body is not valid JSON"};
  }
  const std::string_view object_key = pin ? "pin" : "post";
  simdjson::dom::object fields;
  if (document["request"]["update"][object_key].get(fields) != simdjson::SUCCESS) {
    return Error{"the request body must be {\"request\":{\"update\":{\"" + std::string(object_key) +
                 "\":{...}}}}"};
  }
  const auto& allowed = pin ? kPinFields : kPostFields;
  UpdateFields out;
  bool has_link = false, has_attachments = false;
  for (simdjson::dom::key_value_pair field : fields) {
    const std::string name(field.key);
    if (std::find(allowed.begin(), allowed.end(), field.key) == allowed.end()) {
      return Error{"unknown field " + std::string(object_key) + "." + name};
    }
    if (std::any_of(out.begin(), out.end(), [&](const UpdateField& f) { return f.name == name; })) {
      return Error{"field " + std::string(object_key) + "." + name + " is given twice"};
    }
    if (name == "attachments") {
      if (!is_id_list(field.value)) {
        return Error{"attachments must be a non-empty list of picture ids"};
      }
      has_attachments = true;
    } else if (!field.value.is_string()) {
      return Error{std::string(object_key) + "." + name + " must be a string"};
    }
    has_link = has_link || name == "link";
    out.push_back({name, simdjson::minify(field.value)});
  }
  if (out.empty()) return Error{"the update sets no field"};
  if (has_link && has_attachments) return Error{"a post takes a link or attachments, not both"};
  return out;
}

}  // namespace oneall::sandbox
