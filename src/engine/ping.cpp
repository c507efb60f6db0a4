#include "engine/ping.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "engine/curl_handles.hpp"
#include "engine/curl_options.hpp"

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
  const ApiHeaders headers(options.credentials);

  OptionSetter setter(handle);
  setter.set(CURLOPT_URL, url.c_str())
      .set(CURLOPT_HTTPGET, 1L)
      .set(CURLOPT_HTTPHEADER, headers.without_body())
      .set(CURLOPT_ERRORBUFFER, error_buffer.data())
      .set(CURLOPT_WRITEFUNCTION, &keep_body)
      .set(CURLOPT_WRITEDATA, static_cast<void*>(&body));
  set_api_transport(setter, options);

  PingAnswer answer;
  if (Status set = setter.status(); !set) {
    answer.result = setter.code();
    answer.transport_error = set.error().message;
    return answer;
  }
  answer.result = curl_easy_perform(handle);
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
