// What an Update API answer said, read with simdjson (docs/api.md#responses). Tolerant: a body
// that is not JSON, or JSON of another shape, yields parsed == false and empty fields rather
// than an error, because the HTTP status alone must still be classified and audited.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace simdjson::dom {
class parser;
}

namespace oneall::api {

struct ApiStatus {
  bool parsed = false;      // the body held response.request.status
  std::string flag;         // "success" | "error" | ...
  std::optional<int> code;  // repeats the HTTP status
  std::string info;         // free text
};

// Reads answer after answer with one simdjson parser, whose buffers grow to the largest body
// seen and are then reused, rather than allocated and freed for every answer.
class ResponseParser {
 public:
  ResponseParser();
  ~ResponseParser();
  ResponseParser(const ResponseParser&) = delete;
  ResponseParser& operator=(const ResponseParser&) = delete;

  ApiStatus parse(std::string_view body);

 private:
  std::unique_ptr<simdjson::dom::parser> parser_;
};

}  // namespace oneall::api
