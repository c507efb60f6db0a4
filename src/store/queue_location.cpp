#include "store/queue_location.hpp"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <algorithm>
#include <memory>
#include <string_view>

namespace oneall::store {
namespace {

bool is_postgres_uri(std::string_view text) {
  return text.starts_with("postgresql://") || text.starts_with("postgres://");
}

// The URI with the password of its user-info part ("user:secret@host") and of any "password="
// parameter replaced by "***".
std::string without_password(std::string_view uri) {
  std::string shown(uri);
  const std::size_t authority = shown.find("://") + 3;
  const std::size_t authority_end = std::min(shown.find_first_of("/?", authority), shown.size());
  const std::size_t at = shown.rfind('@', authority_end);
  if (at != std::string::npos && at >= authority) {
    const std::size_t colon = shown.find(':', authority);
    if (colon < at) shown.replace(colon + 1, at - colon - 1, "***");
  }
  std::size_t start = shown.find('?');
  while (start != std::string::npos) {
    ++start;
    const std::size_t end = shown.find('&', start);
    const std::size_t length = (end == std::string::npos ? shown.size() : end) - start;
    if (std::string_view(shown).substr(start, length).starts_with("password=")) {
      shown.replace(start + 9, length - 9, "***");
    }
    start = shown.find('&', start);
  }
  return shown;
}

struct ConninfoFree {
  void operator()(PQconninfoOption* options) const { PQconninfoFree(options); }
};
struct MessageFree {
  void operator()(char* message) const { PQfreemem(message); }
};

}  // namespace

std::string shown_location(const std::string& text) {
  return is_postgres_uri(text) ? without_password(text) : text;
}

Result<QueueLocation> parse_queue_location(const std::string& text) {
  if (!is_postgres_uri(text)) return QueueLocation{QueueLocation::Kind::kSqlite, text, text};
  const std::string shown = without_password(text);
  char* raw_message = nullptr;
  std::unique_ptr<PQconninfoOption, ConninfoFree> options(
      PQconninfoParse(text.c_str(), &raw_message));
  std::unique_ptr<char, MessageFree> message(raw_message);
  if (!options) {
    std::string why = message ? std::string(message.get()) : std::string("out of memory");
    while (!why.empty() && why.back() == '\n') why.pop_back();
    return Error{fmt::format("{} is not a valid PostgreSQL URI: {}", shown, why)};
  }
  return QueueLocation{QueueLocation::Kind::kPostgres, text, shown};
}

}  // namespace oneall::store
