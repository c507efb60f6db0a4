// The libcurl the engine runs with, for `oneall-bulk --version`: its version and the TLS
// library it was built with, as loaded at run time.
#pragma once

#include <string>

namespace oneall::engine {

std::string curl_library_version();  // "7.88.1 with OpenSSL/3.0.11"

}  // namespace oneall::engine
