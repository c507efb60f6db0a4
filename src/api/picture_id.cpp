#include "api/picture_id.hpp"

#include <fmt/format.h>

#include "api/ids.hpp"

namespace oneall::api {
namespace {

constexpr std::string_view kExpected =
    "expected a picture id: digits without a leading zero, from 1 to 9223372036854775807, such "
    "as 1234567890";

// The value as shown in a message: quoted when it is short printable ASCII, else not at all, so
// a control byte or a pasted paragraph never reaches the terminal.
std::string shown(std::string_view text) {
  constexpr std::size_t kMaxShown = 40;
  if (text.size() > kMaxShown) return "the picture id";
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f) return "the picture id";
  }
  return fmt::format("picture id '{}'", text);
}

}  // namespace

Result<PictureId> PictureId::parse(std::string_view text) {
  if (text.empty()) return Error{fmt::format("a picture id is empty ({})", kExpected)};
  for (char c : text) {
    if (c < '0' || c > '9') {
      return Error{fmt::format("{} holds {} ({})", shown(text), describe_char(c), kExpected)};
    }
  }
  if (text.front() == '0') {
    // Unquoted in YAML, 0202 is octal 130 to a YAML 1.1 tool and 202 to a YAML 1.2 one.
    return Error{fmt::format(
        "{} starts with 0, which YAML tools read as octal or as decimal depending on their "
        "version ({})",
        shown(text), kExpected)};
  }
  std::uint64_t value = 0;
  for (char c : text) {
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (kMax - digit) / 10) {  // value * 10 + digit would pass kMax
      return Error{
          fmt::format("{} is larger than 9223372036854775807 ({})", shown(text), kExpected)};
    }
    value = value * 10 + digit;
  }
  return PictureId(value);
}

}  // namespace oneall::api
