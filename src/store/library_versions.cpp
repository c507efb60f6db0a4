#include "store/library_versions.hpp"

#include <fmt/format.h>
#include <libpq-fe.h>
#include <sqlite3.h>

namespace oneall::store {

std::string sqlite_library_version() { return sqlite3_libversion(); }

std::string libpq_library_version() {
  const int version = PQlibVersion();  // major * 10000 + minor since libpq 10
  return fmt::format("{}.{}", version / 10000, version % 10000);
}

}  // namespace oneall::store
