#include "engine/in_flight_request.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "util/text.hpp"

namespace oneall::engine {
namespace {

constexpr std::string_view kRetryAfter = "retry-after:";
constexpr std::size_t kMaxRetryAfterBytes = 128;
// An answer's header blocks (a 1xx's included) together; the API's are a few hundred bytes.
// Past this the server is sending headers without end, and the transfer is stopped. (libcurl
// 7.88 stops by itself at 300 KiB, as a receive error; this is lower, and says what happened.)
constexpr std::size_t kMaxHeaderBytes = 64 * 1024;
// Past the body cap a body is still read, and discarded, so that the connection can carry the
// next request; past the cap plus this much it is read no further and the transfer is stopped
// (a body that never ends would otherwise hold its slot until the timeout).
constexpr std::size_t kMaxDiscardedBodyBytes = 1024 * 1024;

bool starts_with_ci(std::string_view text, std::string_view lower_prefix) {
  return text.size() >= lower_prefix.size() &&
         std::equal(lower_prefix.begin(), lower_prefix.end(), text.begin(), [](char a, char b) {
           return a == std::tolower(static_cast<unsigned char>(b));
         });
}

// libcurl refuses a header line longer than CURL_MAX_HTTP_HEADER with this code: "out of
// memory" before 8.6, "too large" since.
bool is_header_line_too_long(CURLcode result) {
#if LIBCURL_VERSION_NUM >= 0x080600
  if (result == CURLE_TOO_LARGE) return true;
#endif
  return result == CURLE_OUT_OF_MEMORY;
}

}  // namespace

InFlightRequest::InFlightRequest(const CurlGlobal& global, const RunOptions& options,
                                 const ApiHeaders& headers)
    : easy_(make_easy(global)),
      headers_(headers),
      url_(global, options.api_root),
      body_cap_(options.response_body_cap) {
  OptionSetter setter(easy_.get());
  setter
      .set(CURLOPT_CURLU, url_.get())  // read at each transfer's start: prepare sets the path
      .set(CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS))
      .set(CURLOPT_ERRORBUFFER, error_buffer_.data())
      .set(CURLOPT_WRITEFUNCTION, &InFlightRequest::on_body)
      .set(CURLOPT_WRITEDATA, static_cast<void*>(this))
      .set(CURLOPT_HEADERFUNCTION, &InFlightRequest::on_header)
      .set(CURLOPT_HEADERDATA, static_cast<void*>(this))
      .set(CURLOPT_PREREQFUNCTION, &InFlightRequest::on_request_issued)
      .set(CURLOPT_PREREQDATA, static_cast<void*>(this))
      .set(CURLOPT_PRIVATE, static_cast<void*>(this));
  // Over TLS, wait for a connection being set up to say (by ALPN) whether it multiplexes
  // HTTP/2, rather than opening one connection per request. Plain http is HTTP/1.1 only, and
  // there the wait would hold every request but the first for a whole round trip.
  if (options.api_root.starts_with("https://")) setter.set(CURLOPT_PIPEWAIT, 1L);
  set_api_transport(setter, options);
  if (Status set = setter.status(); !set) throw std::runtime_error(set.error().message);
}

InFlightRequest::~InFlightRequest() { detach(); }

Status InFlightRequest::prepare(store::ClaimedJob job, EpochMs started_at) {
  detach();  // a handle must be off the multi handle before its options change
  job_ = std::move(job);
  started_at_ = started_at;
  response_body_.clear();
  response_truncated_ = false;
  retry_after_.clear();
  times_sent_ = 0;
  header_bytes_ = 0;
  body_bytes_ = 0;
  overflow_ = Overflow::kNone;
  headers_ended_ = false;
  error_buffer_[0] = '\0';
  if (Status pointed = url_.set_path(job_.path); !pointed) return pointed;

  OptionSetter setter(easy_.get());
  setter.set(CURLOPT_CUSTOMREQUEST, job_.method.c_str());
  if (job_.body.empty()) {
    // No body, and none left from the slot's previous request: POSTFIELDS made that one a
    // POST; HTTPGET makes this one bodiless again (its verb is CUSTOMREQUEST's).
    setter.set(CURLOPT_HTTPHEADER, headers_.without_body())
        .set(CURLOPT_POSTFIELDS, static_cast<const char*>(nullptr))
        .set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(-1))
        .set(CURLOPT_HTTPGET, 1L);
  } else {
    setter.set(CURLOPT_HTTPHEADER, headers_.with_body())
        .set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(job_.body.size()))
        .set(CURLOPT_POSTFIELDS, job_.body.c_str());  // borrowed: job_ outlives the transfer
  }
  return setter.status();
}

CURLMcode InFlightRequest::attach(CurlMulti& multi) {
  const CURLMcode code = multi.add(easy_.get());
  if (code == CURLM_OK) multi_ = &multi;
  return code;
}

void InFlightRequest::detach() {
  if (multi_ == nullptr) return;
  (void)multi_->remove(easy_.get());  // fails only for a handle that is not on it
  multi_ = nullptr;
}

InFlightRequest& InFlightRequest::from_owner(void* owner) {
  return *static_cast<InFlightRequest*>(owner);
}

int InFlightRequest::http_status() const {
  long code = 0;
  curl_easy_getinfo(easy_.get(), CURLINFO_RESPONSE_CODE, &code);
  return static_cast<int>(code);
}

ReceivedAnswer InFlightRequest::received() const {
  curl_off_t content_length = -1;
  curl_easy_getinfo(easy_.get(), CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &content_length);
  return {http_status(), headers_ended_, static_cast<std::int64_t>(content_length), body_bytes_};
}

bool InFlightRequest::request_sent() const {
  long bytes = 0;
  curl_easy_getinfo(easy_.get(), CURLINFO_REQUEST_SIZE, &bytes);
  return bytes > 0;
}

std::string InFlightRequest::transport_error(CURLcode result) const {
  if (result == CURLE_OK) return {};
  if (result == CURLE_WRITE_ERROR && overflow_ == Overflow::kHeaders) {
    return fmt::format("response headers exceed {} bytes: transfer stopped", kMaxHeaderBytes);
  }
  if (is_header_line_too_long(result) && !headers_ended_) {
    return fmt::format("a response header line exceeds {} bytes: transfer stopped",
                       CURL_MAX_HTTP_HEADER);
  }
  if (result == CURLE_WRITE_ERROR && overflow_ == Overflow::kBody) {
    return fmt::format("response body exceeds {} bytes: kept the first {}, transfer stopped",
                       body_cap_ + kMaxDiscardedBodyBytes, body_cap_);
  }
  const std::string_view detail(error_buffer_.data());
  if (detail.empty()) return curl_easy_strerror(result);
  return fmt::format("{}: {}", curl_easy_strerror(result), detail);
}

CURLcode InFlightRequest::answer_result(CURLcode result) const {
  if (is_header_line_too_long(result) && !headers_ended_) return CURLE_WEIRD_SERVER_REPLY;
  if (result != CURLE_WRITE_ERROR) return settled_result(result, received());
  if (overflow_ == Overflow::kBody) return CURLE_OK;
  if (overflow_ == Overflow::kHeaders) return CURLE_WEIRD_SERVER_REPLY;
  return result;
}

size_t InFlightRequest::on_body(char* data, size_t size, size_t count, void* self_ptr) {
  auto* self = static_cast<InFlightRequest*>(self_ptr);
  const size_t bytes = size * count;
  self->body_bytes_ += bytes;
  if (self->body_bytes_ > self->body_cap_ + kMaxDiscardedBodyBytes) {
    self->overflow_ = Overflow::kBody;
    self->response_truncated_ = true;
    return 0;  // fewer bytes than offered: libcurl stops the transfer (CURLE_WRITE_ERROR)
  }
  const size_t room = self->body_cap_ - std::min(self->body_cap_, self->response_body_.size());
  if (bytes > room) self->response_truncated_ = true;
  self->response_body_.append(data, std::min(bytes, room));
  return bytes;  // keep reading past the cap (and discard) so the connection stays usable
}

int InFlightRequest::on_request_issued(void* self, char*, char*, int, int) {
  ++static_cast<InFlightRequest*>(self)->times_sent_;
  return CURL_PREREQFUNC_OK;
}

size_t InFlightRequest::on_header(char* data, size_t size, size_t count, void* self_ptr) {
  auto* self = static_cast<InFlightRequest*>(self_ptr);
  const size_t bytes = size * count;
  self->header_bytes_ += bytes;
  if (self->header_bytes_ > kMaxHeaderBytes) {
    self->overflow_ = Overflow::kHeaders;
    return 0;  // fewer bytes than offered: libcurl stops the transfer (CURLE_WRITE_ERROR)
  }
  const std::string_view line(data, bytes);
  // A status line starts a new header block (after a 1xx): only the final answer's count.
  if (line.starts_with("HTTP/")) {
    self->retry_after_.clear();
    self->headers_ended_ = false;
  }
  if (line == "\r\n" || line == "\n") self->headers_ended_ = true;
  if (starts_with_ci(line, kRetryAfter)) {
    self->retry_after_.assign(
        trim_http_whitespace(line.substr(kRetryAfter.size())).substr(0, kMaxRetryAfterBytes));
  }
  return bytes;
}

}  // namespace oneall::engine
