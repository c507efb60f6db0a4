// The yaml-cpp the YAML reader was built against, for `oneall-bulk --version`: the library has
// no version call or macro, so CMake passes the version its package configuration gave.
#pragma once

#include <string>

namespace oneall::jobfile {

std::string yaml_cpp_library_version();  // "0.7.0", or "unknown"

}  // namespace oneall::jobfile
