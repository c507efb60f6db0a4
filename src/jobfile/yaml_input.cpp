#include "jobfile/yaml_input.hpp"

#include <algorithm>
#include <cstring>
#include <span>

namespace oneall::jobfile {
namespace {

constexpr std::size_t kChunkBytes = 64 * 1024;
// yaml-cpp puts back up to four bytes while it looks for a byte-order mark; they stay in front
// of each new chunk so that a put-back never falls off the buffer.
constexpr std::size_t kPutBackBytes = 4;

}  // namespace

YamlInput::YamlInput(InputFile file)
    : file_(std::move(file)), buffer_(kPutBackBytes + kChunkBytes) {}

YamlInput::YamlInput(std::string_view text) : text_(text), buffer_(kPutBackBytes + kChunkBytes) {}

std::size_t YamlInput::next_chunk(char* into) {
  if (ended_) return 0;
  std::size_t got = 0;
  if (file_) {
    Result<std::size_t> read = file_->read(std::span<char>(into, kChunkBytes));
    if (!read) {
      read_error_ = read.error();
    } else {
      got = *read;
    }
  } else {
    got = std::min(kChunkBytes, text_.size());
    std::memcpy(into, text_.data(), got);
    text_.remove_prefix(got);
  }
  if (got == 0) {
    ended_ = true;
    markers_.finish();
    return 0;
  }
  markers_.feed(std::string_view(into, got));
  return got;
}

YamlInput::int_type YamlInput::underflow() {
  if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
  // Keep the last bytes read in front of the new chunk, for put-backs.
  std::size_t kept = 0;
  if (eback() != nullptr) {
    kept = std::min(kPutBackBytes, static_cast<std::size_t>(gptr() - eback()));
    std::memmove(buffer_.data() + kPutBackBytes - kept, gptr() - kept, kept);
  }
  char* start = buffer_.data() + kPutBackBytes;
  const std::size_t got = next_chunk(start);
  if (got == 0) return traits_type::eof();
  setg(start - kept, start, start + got);
  return traits_type::to_int_type(*gptr());
}

void YamlInput::drain() {
  std::vector<char> chunk(kChunkBytes);
  while (!markers_.found() && next_chunk(chunk.data()) > 0) {
  }
}

}  // namespace oneall::jobfile
