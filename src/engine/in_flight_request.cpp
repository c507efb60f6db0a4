#include "engine/in_flight_request.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <stdexcept>

namespace oneall::engine {
namespace {

constexpr std::string_view kRetryAfter = "retry-after:";
constexpr std::size_t kMaxRetryAfterBytes = 128;

bool starts_with_ci(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
           return a == std::tolower(static_cast<unsigned char>(b));
         });
}

template <class T>
void set(CURL* easy, CURLoption option, T value) {
  if (curl_easy_setopt(easy, option, value) != CURLE_OK) {
    throw std::runtime_error(fmt::format("curl_easy_setopt({}) failed", static_cast<int>(option)));
  }
}

}  // namespace

InFlightRequest::InFlightRequest() : easy_(make_easy()) {}

void InFlightRequest::prepare(store::ClaimedJob job, const RunOptions& options,
                              EpochMs started_at) {
  CURL* easy = easy_.get();
  curl_easy_reset(easy);  // keeps the handle's connection and DNS caches, drops options
  job_ = std::move(job);
  started_at_ = started_at;
  body_cap_ = options.response_body_cap;
  response_body_.clear();
  response_truncated_ = false;
  retry_after_.clear();
  error_buffer_[0] = '\0';
  url_ = options.api_root + job_.path;

  headers_.clear();
  headers_.append("Accept: application/json");
  headers_.append("Expect:");  // no 100-continue round trip for small bodies
  if (!job_.body.empty()) headers_.append("Content-Type: application/json");

  set(easy, CURLOPT_URL, url_.c_str());
  set(easy, CURLOPT_CUSTOMREQUEST, job_.method.c_str());
  if (!job_.body.empty()) {
    set(easy, CURLOPT_POSTFIELDS, job_.body.c_str());
    set(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(job_.body.size()));
  }
  set(easy, CURLOPT_HTTPHEADER, headers_.get());
  set(easy, CURLOPT_USERAGENT, "oneall-bulk/0.1");
  // Credentials go to libcurl only; it builds the Basic header in memory.
  set(easy, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
  set(easy, CURLOPT_USERNAME, options.credentials.public_key.c_str());
  set(easy, CURLOPT_PASSWORD, options.credentials.private_key.c_str());
  set(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout_ms));
  set(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout_ms));
  set(easy, CURLOPT_NOSIGNAL, 1L);
  set(easy, CURLOPT_FOLLOWLOCATION, 0L);
  set(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  set(easy, CURLOPT_SSL_VERIFYPEER, 1L);
  set(easy, CURLOPT_SSL_VERIFYHOST, 2L);
  // CAINFO replaces the system bundle rather than adding to it; "as well" is the security
  // issue's to solve (a bundle of both). Until then --cacert names the CA to trust.
  if (options.cacert) set(easy, CURLOPT_CAINFO, options.cacert->c_str());
  set(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  set(easy, CURLOPT_PIPEWAIT, 1L);  // prefer multiplexing on an HTTP/2 connection
  set(easy, CURLOPT_ERRORBUFFER, error_buffer_.data());
  set(easy, CURLOPT_WRITEFUNCTION, &InFlightRequest::on_body);
  set(easy, CURLOPT_WRITEDATA, static_cast<void*>(this));
  set(easy, CURLOPT_HEADERFUNCTION, &InFlightRequest::on_header);
  set(easy, CURLOPT_HEADERDATA, static_cast<void*>(this));
  set(easy, CURLOPT_PRIVATE, static_cast<void*>(this));
}

CURLMcode InFlightRequest::add_to(CURLM* multi) {
  return curl_multi_add_handle(multi, easy_.get());
}

void InFlightRequest::remove_from(CURLM* multi) { curl_multi_remove_handle(multi, easy_.get()); }

InFlightRequest* InFlightRequest::from_handle(CURL* easy) {
  char* self = nullptr;
  curl_easy_getinfo(easy, CURLINFO_PRIVATE, &self);
  return reinterpret_cast<InFlightRequest*>(self);
}

int InFlightRequest::http_status() const {
  long code = 0;
  curl_easy_getinfo(easy_.get(), CURLINFO_RESPONSE_CODE, &code);
  return static_cast<int>(code);
}

std::string InFlightRequest::transport_error(CURLcode result) const {
  if (result == CURLE_OK) return {};
  const char* detail = error_buffer_.data();
  if (detail[0] == '\0') return curl_easy_strerror(result);
  return fmt::format("{}: {}", curl_easy_strerror(result), detail);
}

size_t InFlightRequest::on_body(char* data, size_t size, size_t count, void* self_ptr) {
  auto* self = static_cast<InFlightRequest*>(self_ptr);
  const size_t bytes = size * count;
  const size_t room = self->body_cap_ - std::min(self->body_cap_, self->response_body_.size());
  if (bytes > room) self->response_truncated_ = true;
  self->response_body_.append(data, std::min(bytes, room));
  return bytes;  // keep reading past the cap (and discard) so the connection stays usable
}

size_t InFlightRequest::on_header(char* data, size_t size, size_t count, void* self_ptr) {
  auto* self = static_cast<InFlightRequest*>(self_ptr);
  const size_t bytes = size * count;
  const std::string_view line(data, bytes);
  if (starts_with_ci(line, kRetryAfter)) {
    std::string_view value = line.substr(kRetryAfter.size());
    while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.remove_suffix(1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    self->retry_after_.assign(value.substr(0, kMaxRetryAfterBytes));
  }
  return bytes;
}

}  // namespace oneall::engine
