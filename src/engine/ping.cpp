#include "engine/ping.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "engine/curl_handles.hpp"

namespace oneall::engine {
namespace {

struct BodyBuffer {
  std::string text;
  std::size_t cap = 0;
};

size_t keep_body(char* data, size_t size, size_t count, void* buffer_ptr) {
  auto* buffer = static_cast<BodyBuffer*>(buffer_ptr);
  const size_t bytes = size * count;
  const size_t room = buffer->cap - std::min(buffer->cap, buffer->text.size());
  buffer->text.append(data, std::min(bytes, room));
  return bytes;
}

}  // namespace

PingAnswer ping(const RunOptions& options) {
  const CurlGlobal global;
  CurlEasy easy = make_easy(global);
  CURL* handle = easy.get();
  const std::string url = options.api_root + "/tools/ping.json";
  std::array<char, CURL_ERROR_SIZE> error_buffer{};
  BodyBuffer body{{}, options.response_body_cap};
  CurlSlist headers;
  headers.append("Accept: application/json");

  // Credentials go to libcurl only (never into the URL or a message), as for every job.
  CURLcode set = CURLE_OK;
  const auto option = [&](CURLoption which, auto value) {
    if (set == CURLE_OK) set = curl_easy_setopt(handle, which, value);
  };
  option(CURLOPT_URL, url.c_str());
  option(CURLOPT_HTTPGET, 1L);
  option(CURLOPT_HTTPHEADER, headers.get());
  option(CURLOPT_USERAGENT, "oneall-bulk/0.1");
  option(CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
  option(CURLOPT_USERNAME, options.credentials.public_key.c_str());
  option(CURLOPT_PASSWORD, options.credentials.private_key.c_str());
  option(CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout_ms));
  option(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout_ms));
  option(CURLOPT_NOSIGNAL, 1L);
  option(CURLOPT_FOLLOWLOCATION, 0L);
  option(CURLOPT_PROTOCOLS_STR, "http,https");
  option(CURLOPT_SSL_VERIFYPEER, 1L);
  option(CURLOPT_SSL_VERIFYHOST, 2L);
  option(CURLOPT_ERRORBUFFER, error_buffer.data());
  option(CURLOPT_WRITEFUNCTION, &keep_body);
  option(CURLOPT_WRITEDATA, static_cast<void*>(&body));
  curl_blob bundle{};
  if (options.ca_bundle) {
    bundle = {const_cast<char*>(options.ca_bundle->data()), options.ca_bundle->size(),
              CURL_BLOB_NOCOPY};
    option(CURLOPT_CAINFO_BLOB, &bundle);
  }

  PingAnswer answer;
  answer.result = set != CURLE_OK ? set : curl_easy_perform(handle);
  if (answer.result != CURLE_OK) {
    const std::string_view detail(error_buffer.data());
    answer.transport_error = detail.empty()
                                 ? std::string(curl_easy_strerror(answer.result))
                                 : fmt::format("{}: {}", curl_easy_strerror(answer.result), detail);
    return answer;
  }
  long status = 0;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
  answer.http_status = static_cast<int>(status);
  answer.body = std::move(body.text);
  return answer;
}

}  // namespace oneall::engine
