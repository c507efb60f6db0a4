// The versions of the database libraries the store runs with, for `oneall-bulk --version`:
// SQLite and libpq as loaded at run time.
#pragma once

#include <string>

namespace oneall::store {

std::string sqlite_library_version();  // "3.40.1"
std::string libpq_library_version();   // "15.5"

}  // namespace oneall::store
