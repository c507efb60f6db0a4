#include "api/ids.hpp"

#include <fmt/format.h>

namespace oneall::api {
namespace {

constexpr std::size_t kMaxIdLength = 128;

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

}  // namespace

std::string describe_char(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte > 0x20 && byte < 0x7f) return fmt::format("'{}'", c);
  if (c == ' ') return "a space";
  return fmt::format("byte 0x{:02x}", byte);
}

bool is_id_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         c == '.' || c == '-';
}

std::optional<std::string> check_identity(std::string_view identity) {
  constexpr std::string_view kExample = "2af20011-8965-471b-8f6b-8b66a611aae6";
  if (identity.empty()) return "is missing (expected a UUID such as " + std::string(kExample) + ")";
  bool ok = identity.size() == 36;
  for (std::size_t i = 0; ok && i < identity.size(); ++i) {
    const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    ok = dash_position ? identity[i] == '-' : is_hex(identity[i]);
  }
  if (!ok) return "is not a UUID (expected the form " + std::string(kExample) + ")";
  return std::nullopt;
}

std::optional<std::string> check_resource_id(std::string_view id) {
  if (id.empty()) return "is missing (expected an id of letters, digits, '_', '.' and '-')";
  if (id.size() > kMaxIdLength) {
    return fmt::format("is {} characters long (at most {})", id.size(), kMaxIdLength);
  }
  if (id == "." || id == "..") return "must not be '.' or '..' (expected an id naming one object)";
  for (char c : id) {
    if (!is_id_char(c)) {
      return fmt::format("holds {} (only letters, digits, '_', '.' and '-' are allowed)",
                         describe_char(c));
    }
  }
  return std::nullopt;
}

}  // namespace oneall::api
