// The check that closes issue 19's class of bug: the request an accepted job renders to has a
// body that is valid JSON (parsed with simdjson, as the sandbox and any real receiver would)
// and that carries exactly the job's fields: the same keys, each text byte for byte, each
// picture id as a JSON integer of the same value. Shared by the property test
// (tests/jobfile/body_round_trip_test.cpp) and the reader fuzzers, so both judge alike.
#pragma once

#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>

#include "api/action.hpp"

namespace oneall::fuzz {

// What is wrong with `request` as the rendering of `action`; nullopt when nothing is.
inline std::optional<std::string> body_problem(const api::Action& action,
                                               const api::HttpRequest& request) {
  if (action.op == api::Op::kDelete) {
    if (!request.body.empty()) return "a delete has a body";
    return std::nullopt;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element document;
  if (auto error = parser.parse(request.body).get(document); error != simdjson::SUCCESS) {
    return "the body is not JSON (" + std::string(simdjson::error_message(error)) +
           "): " + request.body;
  }
  simdjson::dom::object top;
  simdjson::dom::object update;
  if (document.get(top) != simdjson::SUCCESS || top.size() != 1 ||
      top["request"].get(update) != simdjson::SUCCESS) {
    return "the body is not {\"request\":{\"update\":{...}}}: " + request.body;
  }
  const std::string_view object_key = action.target == api::Target::kPinterestPin ? "pin" : "post";
  simdjson::dom::object update_object;
  simdjson::dom::object fields;
  if (update["update"].get(update_object) != simdjson::SUCCESS || update.size() != 1 ||
      update_object.size() != 1 || update_object[object_key].get(fields) != simdjson::SUCCESS) {
    return "the body does not hold exactly request.update." + std::string(object_key) + ": " +
           request.body;
  }

  const api::UpdateFields& f = action.fields;
  std::size_t expected_keys = 0;
  auto text = [&](std::string_view key,
                  const std::optional<std::string>& value) -> std::optional<std::string> {
    std::string_view got;
    const bool present = fields[key].get(got) == simdjson::SUCCESS;
    if (!value) {
      if (fields[key].error() != simdjson::NO_SUCH_FIELD) {
        return "the body sets " + std::string(key) + ", which the job does not";
      }
      return std::nullopt;
    }
    ++expected_keys;
    if (!present) return "the body lacks the text field " + std::string(key);
    if (got != *value) return "the body changes " + std::string(key) + ": " + request.body;
    return std::nullopt;
  };
  for (auto problem : {text("board", f.board), text("description", f.description),
                       text("message", f.message), text("link", f.link)}) {
    if (problem) return problem;
  }
  if (f.attachments) {
    ++expected_keys;
    simdjson::dom::array ids;
    if (fields["attachments"].get(ids) != simdjson::SUCCESS) {
      return "the body lacks the attachments list: " + request.body;
    }
    if (ids.size() != f.attachments->size()) return "the body has another number of attachments";
    std::size_t i = 0;
    for (simdjson::dom::element id : ids) {
      std::uint64_t value = 0;
      // An integer, not a string or a float that could have rounded: the API sends numbers.
      if (!id.is_int64() || id.get(value) != simdjson::SUCCESS ||
          value != (*f.attachments)[i].value()) {
        return "attachment " + std::to_string(i) + " is not the integer " +
               (*f.attachments)[i].digits() + ": " + request.body;
      }
      ++i;
    }
  } else if (fields["attachments"].error() != simdjson::NO_SUCH_FIELD) {
    return "the body sets attachments, which the job does not";
  }
  if (fields.size() != expected_keys) return "the body sets other fields: " + request.body;
  return std::nullopt;
}

}  // namespace oneall::fuzz
