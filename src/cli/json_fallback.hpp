// What --json promises a script: stdout holds one JSON object with "exit_code", however the
// command ends. Each command prints its own object on the paths it finishes; when a command
// ends with an error before printing one (bad usage, a locked database, missing credentials, a
// storage failure), the app prints {"exit_code":N,"error":"..."} with what was said on stderr.
// To know what was printed, the app hands commands streams that record what passes through.
#pragma once

#include <cstddef>
#include <streambuf>
#include <string>
#include <string_view>

namespace oneall::cli {

// Whether the command line asks for JSON output (--json anywhere before a "--").
bool asks_for_json(int argc, char** argv);

// {"exit_code":N,"error":"..."}: the error is `stderr_text` without the progress line's redraws
// and the blank lines around it.
std::string json_error_object(int exit_code, std::string_view stderr_text);

// Passes everything on to `target` unbuffered (so the order with other writers is kept),
// counting the bytes and, if asked, keeping the first `keep_bytes` of them.
class RecordingBuffer final : public std::streambuf {
 public:
  RecordingBuffer(std::streambuf* target, std::size_t keep_bytes);
  std::size_t bytes() const { return bytes_; }
  const std::string& kept() const { return kept_; }

 protected:
  int_type overflow(int_type ch) override;
  std::streamsize xsputn(const char* text, std::streamsize count) override;
  int sync() override;

 private:
  void record(const char* text, std::size_t count);
  std::streambuf* target_;
  std::size_t keep_bytes_;
  std::size_t bytes_ = 0;
  std::string kept_;
};

}  // namespace oneall::cli
