#include "engine/curl_version.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

namespace oneall::engine {

std::string curl_library_version() {
  const curl_version_info_data& curl = *curl_version_info(CURLVERSION_NOW);
  return fmt::format("{} with {}", curl.version,
                     curl.ssl_version != nullptr ? curl.ssl_version : "no TLS");
}

}  // namespace oneall::engine
