// The simdjson the response parsers use, for `oneall-bulk --version`: the version built against
// (the library has no run-time version call) and the implementation it chose for this CPU.
#pragma once

#include <string>

namespace oneall::api {

std::string simdjson_library_version();  // "3.0.1"
std::string simdjson_implementation();   // "haswell": the code chosen for this CPU at run time

}  // namespace oneall::api
