#include "engine/curl_options.hpp"

#include <fmt/format.h>

#include <string>

#include "util/base64.hpp"

namespace oneall::engine {

ApiHeaders::ApiHeaders(const api::Credentials& credentials) {
  const std::string authorization =
      "Authorization: Basic " +
      base64_encode(credentials.public_key + ":" + credentials.private_key);
  for (CurlSlist* headers : {&with_body_, &without_body_}) {
    headers->append(authorization.c_str());
    headers->append("User-Agent: oneall-bulk/0.1");
    headers->append("Accept: application/json");
    headers->append("Expect:");
  }
  with_body_.append("Content-Type: application/json");
}

Status OptionSetter::status() const {
  if (failed_ == CURLE_OK) return Ok{};
  const curl_easyoption* info = curl_easy_option_by_id(option_);
  return Error{fmt::format(
      "libcurl refused option {}: {} (is libcurl too old, or built without this feature?)",
      info != nullptr ? info->name : std::to_string(option_), curl_easy_strerror(failed_))};
}

OptionSetter& set_api_transport(OptionSetter& setter, const RunOptions& options) {
  setter.set(CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout_ms))
      .set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout_ms))
      .set(CURLOPT_NOSIGNAL, 1L)
      .set(CURLOPT_FOLLOWLOCATION, 0L)
      .set(CURLOPT_PROTOCOLS_STR, "http,https")
      // VERIFYHOST's "on" value is 2 (1 means the same since 7.66). Nothing turns these off.
      .set(CURLOPT_SSL_VERIFYPEER, 1L)
      .set(CURLOPT_SSL_VERIFYHOST, 2L);
  if (options.ca_bundle) {  // libcurl copies the struct; the PEM stays the run's (NOCOPY)
    curl_blob bundle{const_cast<char*>(options.ca_bundle->data()), options.ca_bundle->size(),
                     CURL_BLOB_NOCOPY};
    setter.set(CURLOPT_CAINFO_BLOB, &bundle);
  }
  return setter;
}

}  // namespace oneall::engine
