#include "jobfile/yaml_document_markers.hpp"

#include <algorithm>
#include <cstring>
#include <string_view>

namespace oneall::jobfile {

void DocumentMarkerScan::feed(std::string_view bytes) {
  while (!bytes.empty() && !found()) {
    const void* at = std::memchr(bytes.data(), '\n', bytes.size());
    if (at == nullptr) {
      take(bytes);
      return;
    }
    const std::size_t end = static_cast<std::size_t>(static_cast<const char*>(at) - bytes.data());
    take(bytes.substr(0, end));
    end_line();
    bytes.remove_prefix(end + 1);
  }
}

void DocumentMarkerScan::finish() {
  if (length_ > 0 && !found()) end_line();
}

void DocumentMarkerScan::take(std::string_view part) {
  if (part.empty()) return;
  for (std::size_t i = 0; i < part.size() && length_ + i < sizeof head_; ++i) {
    head_[length_ + i] = part[i];
  }
  if (!has_first_) {
    const std::size_t at = part.find_first_not_of(" \t");
    if (at != std::string_view::npos) {
      has_first_ = true;
      first_ = part[at];
      first_at_ = length_ + at;
    }
  }
  if (!has_first_visible_) {
    const std::size_t at = part.find_first_not_of(" \t\r");
    if (at != std::string_view::npos) {
      has_first_visible_ = true;
      first_visible_ = part[at];
    }
  }
  last_ = part.back();
  length_ += part.size();
}

void DocumentMarkerScan::end_line() {
  if (after_end_marker_) {
    // Anything but comments after an end marker is another document.
    if (has_first_visible_ && first_visible_ != '#') found_line_ = line_;
  } else {
    // The line as YAML sees it: without a CR before its line break.
    const std::size_t row_length = length_ - (length_ > 0 && last_ == '\r' ? 1 : 0);
    const std::string_view head(head_, std::min(row_length, sizeof head_));
    const bool marker = (head.starts_with("---") || head.starts_with("...")) &&
                        (row_length == 3 || head[3] == ' ' || head[3] == '\t');
    if (marker) {
      if (head.starts_with("...")) {
        after_end_marker_ = true;
      } else if (content_before_) {
        found_line_ = line_;
      }
      content_before_ = true;
    } else {
      if (!content_before_ && length_ > 0 && head_[0] == '%') saw_directive_ = true;
      const bool first_in_row = has_first_ && first_at_ < row_length;
      if (first_in_row && first_ != '#' && first_ != '%') content_before_ = true;
    }
  }
  ++line_;
  length_ = 0;
  last_ = 0;
  has_first_ = false;
  has_first_visible_ = false;
}

}  // namespace oneall::jobfile
