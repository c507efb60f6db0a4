// Standard base64 (RFC 4648, with padding), for HTTP Basic auth: the runner builds its
// Authorization header with it, and the sandbox checks the header with it.
#pragma once

#include <string>
#include <string_view>

namespace oneall {

std::string base64_encode(std::string_view bytes);

}  // namespace oneall
