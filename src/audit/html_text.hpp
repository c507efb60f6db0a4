// Text from the queue (API messages, file names, paths) made safe to put into HTML and SVG:
// escaped for element content and attribute values alike, and cut to a length on a UTF-8
// character boundary. Pure.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace oneall::audit {

// & < > " ' as character references; every other byte as it is.
std::string html_escape(std::string_view text);

// `text` cut to at most `max_bytes` bytes, never inside a UTF-8 sequence, with "…" when cut.
std::string clip_utf8(std::string_view text, std::size_t max_bytes);

}  // namespace oneall::audit
