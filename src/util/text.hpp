// Small pure text helpers shared by the layers: JSON string quoting, UTF-8 validation, trimming.
#pragma once

#include <string>
#include <string_view>

namespace oneall {

// Appends `text` to `out` as a JSON string literal, quotes included. Control bytes are
// escaped as \u00XX; bytes >= 0x80 are copied as they are (callers validate UTF-8 first).
void append_json_string(std::string& out, std::string_view text);
std::string json_string(std::string_view text);

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view text);
// The offset of the first byte that starts an ill-formed sequence; text.size() when valid.
std::size_t first_invalid_utf8(std::string_view text);

// `text` without the spaces, tabs, CRs and LFs around it (an HTTP header value as received).
std::string_view trim_http_whitespace(std::string_view text);

}  // namespace oneall
