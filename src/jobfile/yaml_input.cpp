#include "jobfile/yaml_input.hpp"

#include <algorithm>
#include <cstring>
#include <span>

namespace oneall::jobfile {
namespace {

constexpr std::size_t kChunkBytes = 64 * 1024;

}  // namespace

YamlInput::YamlInput(InputFile file) : file_(std::move(file)) {}

YamlInput::YamlInput(std::string_view text) : text_(text) {}

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
  for (std::size_t i = read_bytes_; i < sizeof first_bytes_ && i - read_bytes_ < got; ++i) {
    first_bytes_[i] = into[i - read_bytes_];
  }
  read_bytes_ += got;
  markers_.feed(std::string_view(into, got));
  return got;
}

YamlInput::int_type YamlInput::underflow() {
  if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
  spare_.resize(kChunkBytes);
  const std::size_t got = next_chunk(spare_.data());
  // At the end the get area stays as it is: yaml-cpp may still put back what it read last.
  if (got == 0) return traits_type::eof();
  spare_.resize(got);
  replay_.clear();
  // The chunk just served becomes the previous one; the older one is dropped.
  std::swap(previous_, current_);
  std::swap(current_, spare_);
  previous_start_ = current_start_;
  current_start_ = read_bytes_ - got;
  setg(current_.data(), current_.data(), current_.data() + got);
  return traits_type::to_int_type(*gptr());
}

bool YamlInput::marks_are_offsets() const {
  // yaml-cpp takes a NUL among the first two bytes for UTF-16 or UTF-32, and skips a BOM
  // without counting it.
  const auto first = static_cast<unsigned char>(first_bytes_[0]);
  return read_bytes_ >= 2 && first != 0 && first < 0x80 && first_bytes_[1] != 0 &&
         !markers_.saw_directive();
}

bool YamlInput::holds_at(std::size_t offset, std::string_view expected) const {
  const std::size_t held_from = previous_.empty() ? current_start_ : previous_start_;
  const std::size_t held_to = current_start_ + current_.size();
  if (offset < held_from || offset + expected.size() > held_to) return false;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const std::size_t at = offset + i;
    const char byte =
        at >= current_start_ ? current_[at - current_start_] : previous_[at - previous_start_];
    if (byte != expected[i]) return false;
  }
  return true;
}

void YamlInput::rewind_to(std::size_t offset, std::string_view prefix) {
  std::string replay(prefix);
  if (offset < current_start_) {
    replay.append(previous_.data() + (offset - previous_start_),
                  previous_.size() - (offset - previous_start_));
    replay.append(current_.data(), current_.size());
  } else {
    replay.append(current_.data() + (offset - current_start_),
                  current_.size() - (offset - current_start_));
  }
  replay_ = std::move(replay);
  setg(replay_.data(), replay_.data(), replay_.data() + replay_.size());
}

void YamlInput::drain() {
  std::vector<char> chunk(kChunkBytes);
  while (!markers_.found() && next_chunk(chunk.data()) > 0) {
  }
}

}  // namespace oneall::jobfile
