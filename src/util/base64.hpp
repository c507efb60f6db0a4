// Standard base64 (RFC 4648, with padding). The sandbox uses it to check HTTP Basic auth.
#pragma once

#include <string>
#include <string_view>

namespace oneall {

std::string base64_encode(std::string_view bytes);

}  // namespace oneall
