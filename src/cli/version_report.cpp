#include "cli/version_report.hpp"

#include <curl/curl.h>
#include <fmt/format.h>
#include <libpq-fe.h>
#include <simdjson.h>
#include <sqlite3.h>

#include "git_revision.hpp"  // generated at build time (cmake/git_revision.cmake)

namespace oneall::cli {
namespace {

#define ONEALL_STRINGIFY_VALUE(x) #x
#define ONEALL_STRINGIFY(x) ONEALL_STRINGIFY_VALUE(x)

// libpq gives major * 10000 + minor since version 10 (150005 is 15.5).
std::string libpq_version() {
  const int version = PQlibVersion();
  return fmt::format("{}.{}", version / 10000, version % 10000);
}

// The TLS library libcurl was built with; none when it was built without TLS.
const char* curl_tls_version(const curl_version_info_data& curl) {
  return curl.ssl_version != nullptr ? curl.ssl_version : "no TLS";
}

}  // namespace

std::string version_report() {
  // Where the library can say which version is loaded, that is shown ("run time"); simdjson
  // and yaml-cpp have no such call, so theirs are the versions built against ("compile time").
  const curl_version_info_data& curl = *curl_version_info(CURLVERSION_NOW);
  return fmt::format(
      "oneall-bulk {} ({})\n"
      "libcurl {} (run time; {})\n"
      "SQLite {} (run time)\n"
      "libpq {} (run time)\n"
      "simdjson {} (compile time; {} implementation)\n"
      "yaml-cpp {} (compile time)\n",
      ONEALL_VERSION, ONEALL_GIT_REVISION, curl.version, curl_tls_version(curl),
      sqlite3_libversion(), libpq_version(), ONEALL_STRINGIFY(SIMDJSON_VERSION),
      simdjson::get_active_implementation()->name(), ONEALL_YAML_CPP_VERSION);
}

}  // namespace oneall::cli
