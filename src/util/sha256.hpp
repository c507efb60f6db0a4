// SHA-256 of a byte string, as lowercase hex. Used for job keys (idempotent import) and,
// later, the audit hash chain. Backed by OpenSSL's libcrypto.
#pragma once

#include <string>
#include <string_view>

namespace oneall {

std::string sha256_hex(std::string_view data);

}  // namespace oneall
