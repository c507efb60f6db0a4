#include "cli/json_fallback.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "util/text.hpp"

namespace oneall::cli {

bool asks_for_json(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--") == 0) return false;
    if (std::strcmp(argv[i], "--json") == 0) return true;
  }
  return false;
}

std::string json_error_object(int exit_code, std::string_view stderr_text) {
  std::string message;
  std::size_t start = 0;
  while (start < stderr_text.size()) {
    std::size_t end = stderr_text.find('\n', start);
    if (end == std::string_view::npos) end = stderr_text.size();
    std::string_view line = stderr_text.substr(start, end - start);
    start = end + 1;
    // A progress line is redrawn after '\r' and cleared with ESC [ K: what counts is the
    // text after the last '\r', without escape sequences.
    if (const auto cr = line.rfind('\r'); cr != std::string_view::npos) line.remove_prefix(cr + 1);
    std::string clean;
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '\x1b') {
        while (i < line.size() && !std::isalpha(static_cast<unsigned char>(line[i]))) ++i;
        continue;
      }
      clean += line[i];
    }
    if (clean.find_first_not_of(' ') == std::string::npos) continue;
    if (!message.empty()) message += '\n';
    message += clean;
  }
  if (message.empty()) message = fmt::format("ended with exit code {}", exit_code);
  return fmt::format(R"({{"exit_code":{},"error":{}}})", exit_code, json_string(message));
}

RecordingBuffer::RecordingBuffer(std::streambuf* target, std::size_t keep_bytes)
    : target_(target), keep_bytes_(keep_bytes) {}

void RecordingBuffer::record(const char* text, std::size_t count) {
  bytes_ += count;
  if (kept_.size() < keep_bytes_) kept_.append(text, std::min(count, keep_bytes_ - kept_.size()));
}

RecordingBuffer::int_type RecordingBuffer::overflow(int_type ch) {
  if (traits_type::eq_int_type(ch, traits_type::eof())) return traits_type::not_eof(ch);
  const char c = traits_type::to_char_type(ch);
  if (traits_type::eq_int_type(target_->sputc(c), traits_type::eof())) return traits_type::eof();
  record(&c, 1);
  return ch;
}

std::streamsize RecordingBuffer::xsputn(const char* text, std::streamsize count) {
  const std::streamsize written = target_->sputn(text, count);
  if (written > 0) record(text, static_cast<std::size_t>(written));
  return written;
}

int RecordingBuffer::sync() { return target_->pubsync(); }

}  // namespace oneall::cli
