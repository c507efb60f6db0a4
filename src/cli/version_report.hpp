// What `oneall-bulk --version` prints: the program's version (CMake's project VERSION), the git
// revision it was built from ("unknown" outside a git checkout), and the version of each library
// it runs with, so a bug report says exactly what ran.
#pragma once

#include <string>

namespace oneall::cli {

// Several lines, ending with a newline; the first is `oneall-bulk VERSION (REVISION)`.
std::string version_report();

}  // namespace oneall::cli
