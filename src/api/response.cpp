#include "api/response.hpp"

#include <simdjson.h>

namespace oneall::api {

ResponseParser::ResponseParser() : parser_(std::make_unique<simdjson::dom::parser>()) {}

ResponseParser::~ResponseParser() = default;

ApiStatus ResponseParser::parse(std::string_view body) {
  ApiStatus status;
  if (body.empty()) return status;

  simdjson::dom::element document;
  // parse() copies into a padded buffer; the body may be anything a server sent.
  if (parser_->parse(body.data(), body.size()).get(document) != simdjson::SUCCESS) return status;

  simdjson::dom::element response;
  if (document["response"].get(response) != simdjson::SUCCESS) return status;

  simdjson::dom::element api_status;
  if (response["request"]["status"].get(api_status) == simdjson::SUCCESS &&
      api_status.is_object()) {
    status.parsed = true;
    std::string_view text;
    if (api_status["flag"].get(text) == simdjson::SUCCESS) status.flag = text;
    if (api_status["info"].get(text) == simdjson::SUCCESS) status.info = text;
    int64_t code = 0;
    if (api_status["code"].get(code) == simdjson::SUCCESS && code >= 0 && code < 1000) {
      status.code = static_cast<int>(code);
    }
  }
  return status;
}

}  // namespace oneall::api
