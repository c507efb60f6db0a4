#include "api/link.hpp"

#include <algorithm>
#include <cctype>

#include "util/text.hpp"

namespace oneall::api {
namespace {

constexpr std::size_t kMaxLinkLength = 2048;

bool starts_with_ci(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == b;
         });
}

}  // namespace

std::optional<std::string> check_link(std::string_view link) {
  if (link.size() > kMaxLinkLength) return "is longer than 2048 characters";
  std::string_view rest;
  if (starts_with_ci(link, "https://")) {
    rest = link.substr(8);
  } else if (starts_with_ci(link, "http://")) {
    rest = link.substr(7);
  } else {
    return "must be an absolute http:// or https:// URL";
  }
  for (char c : link) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7f) return "must not contain spaces or control characters";
  }
  // Bytes past ASCII are allowed (an international domain or path), but only as UTF-8: the link
  // is sent inside a JSON body.
  if (!is_valid_utf8(link)) return "is not valid UTF-8 (expected text saved as UTF-8)";
  const std::string_view host = rest.substr(0, rest.find_first_of("/?#"));
  const std::string_view host_only = host.substr(host.find('@') + 1);  // npos + 1 == 0
  if (host_only.empty() || host_only.front() == ':') return "has no host";
  return std::nullopt;
}

}  // namespace oneall::api
