// Checks every id before it may become part of a path (docs/api.md#ids): identity tokens are
// UUIDs; page and object ids are [A-Za-z0-9_.-]{1,128} and never "." or "..". A job file must
// never be able to reach another resource, so anything else is refused with the reason.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace oneall::api {

// A character a page or object id may hold: a letter, a digit, '_', '.' or '-'.
bool is_id_char(char c);

// How a refused character is named in a message: printable ASCII as itself ('/'), anything
// else as its byte value, so a control byte never reaches the terminal raw.
std::string describe_char(char c);

// Each returns nullopt when the id is acceptable, or what is wrong with it.
std::optional<std::string> check_identity(std::string_view identity);
std::optional<std::string> check_resource_id(std::string_view id);

}  // namespace oneall::api
