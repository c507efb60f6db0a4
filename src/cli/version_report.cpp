#include "cli/version_report.hpp"

#include <fmt/format.h>

#include "api/simdjson_version.hpp"
#include "engine/curl_version.hpp"
#include "git_revision.hpp"  // generated at build time (cmake/git_revision.cmake)
#include "jobfile/yaml_cpp_version.hpp"
#include "store/library_versions.hpp"

namespace oneall::cli {

std::string version_report() {
  // Each layer says which library it runs with: as loaded at run time where the library can
  // tell, else as built against ("compile time").
  return fmt::format(
      "oneall-bulk {} ({})\n"
      "libcurl {} (run time)\n"
      "SQLite {} (run time)\n"
      "libpq {} (run time)\n"
      "simdjson {} (compile time; {} implementation)\n"
      "yaml-cpp {} (compile time)\n",
      ONEALL_VERSION, ONEALL_GIT_REVISION, engine::curl_library_version(),
      store::sqlite_library_version(), store::libpq_library_version(),
      api::simdjson_library_version(), api::simdjson_implementation(),
      jobfile::yaml_cpp_library_version());
}

}  // namespace oneall::cli
