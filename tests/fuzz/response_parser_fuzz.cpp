// libFuzzer target for the Update API answer parser (api/response.cpp): a server's body, any
// bytes at all. Besides crashes and sanitizer reports it checks what the runner relies on: a
// code is only ever an HTTP-like number, and nothing is taken from a body that is not an object
// holding response.request.status.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/response.hpp"
#include "fuzz_checks.hpp"
#include "util/text.hpp"

using oneall::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  // One parser for every input, as a run reads every answer: what one body leaves in its
  // buffers must not change how the next reads.
  static oneall::api::ResponseParser parser;
  const oneall::api::ApiStatus status = parser.parse(body);
  if (status.code) require(*status.code >= 0 && *status.code < 1000, "a code out of range");
  if (!status.parsed) {
    require(status.flag.empty() && status.info.empty() && !status.code,
            "fields taken from a body without response.request.status");
  }
  // simdjson validates UTF-8: whatever it hands on is valid text.
  require(oneall::is_valid_utf8(status.flag), "a flag that is not UTF-8");
  require(oneall::is_valid_utf8(status.info), "an info that is not UTF-8");
  return 0;
}
