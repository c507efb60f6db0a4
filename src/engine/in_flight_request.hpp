// One request in flight (after cpr): owns its easy handle and everything libcurl borrows from
// it while the transfer runs — URL, header list, request body (inside the claimed job), error
// buffer — plus what comes back: the response body (capped), the Retry-After header, and the
// job it belongs to. The object is reused for request after request, so handles and buffers are
// not churned and connections stay in the multi's cache. Its handle is set up for the run once;
// each request changes only what is its own (path, method, headers with or without a body,
// body), since libcurl copies or formats anew every option it is given, for every request.
#pragma once

#include <curl/curl.h>

#include <array>
#include <string>

#include "engine/curl_handles.hpp"
#include "engine/curl_options.hpp"
#include "engine/request_url.hpp"
#include "engine/retry_policy.hpp"
#include "engine/run_options.hpp"
#include "store/records.hpp"
#include "util/clock.hpp"
#include "util/result.hpp"

namespace oneall::engine {

class InFlightRequest {
 public:
  // A slot for the run's requests to options.api_root, carrying `headers`; both, and the CA
  // bundle in `options`, must outlive it. Throws std::runtime_error when there is no easy handle
  // or libcurl refuses an option (the message names it: a libcurl built without a feature).
  InFlightRequest(const CurlGlobal& global, const RunOptions& options, const ApiHeaders& headers);
  ~InFlightRequest();  // takes the handle off its multi handle first, if it is still on one
  InFlightRequest(const InFlightRequest&) = delete;
  InFlightRequest& operator=(const InFlightRequest&) = delete;

  // Sets the handle up for `job`, dropping whatever the previous request left. An Error names
  // the libcurl option that was refused, or the job's path when it is not an API path (see
  // RequestUrl::set_path).
  Status prepare(store::ClaimedJob job, EpochMs started_at);

  // Lends the handle to `multi`, which starts the transfer; detach() takes it back (and aborts
  // the transfer if it is still running). The multi handle must outlive the attachment.
  CURLMcode attach(CurlMulti& multi);
  void detach();
  bool attached() const { return multi_ != nullptr; }

  // The request whose handle names `owner` in CURLOPT_PRIVATE (from CurlMulti::next_done).
  static InFlightRequest& from_owner(void* owner);

  const store::ClaimedJob& job() const { return job_; }
  EpochMs started_at() const { return started_at_; }
  int http_status() const;    // 0 when no answer arrived
  bool request_sent() const;  // any byte of the request went out: the server may have seen it
  // How many times libcurl issued the request in this transfer. More than once when a reused
  // connection closed before any answer came: libcurl then sends the request again on a fresh
  // connection by itself (it cannot be turned off), and the first may have been applied.
  int times_sent() const { return times_sent_; }
  // What went wrong in transport: curl's message plus its error buffer. The URL never holds a
  // credential and libcurl does not print request headers (where the Basic credentials are),
  // so neither can be here.
  // A transfer we stopped because the answer outgrew what we read says so instead.
  std::string transport_error(CURLcode result) const;
  // `result` as the retry policy should see it. A transfer we stopped because the answer
  // outgrew what we read fails with CURLE_WRITE_ERROR, which is not a local fault: a body that
  // went on and on came after a complete status line and headers, so the answer counts
  // (CURLE_OK); a header block without end never completed, like a connection cut in the
  // middle of an answer (CURLE_WEIRD_SERVER_REPLY) — as is a single header line longer than
  // libcurl takes (CURL_MAX_HTTP_HEADER), which libcurl reports as out of memory. A connection
  // lost or a timeout after a complete answer counts as the answer (settled_result).
  CURLcode answer_result(CURLcode result) const;
  ReceivedAnswer received() const;  // what had arrived of the answer
  const std::string& response_body() const { return response_body_; }
  bool response_truncated() const { return response_truncated_; }
  const std::string& retry_after() const { return retry_after_; }  // as received, trimmed

 private:
  static size_t on_body(char* data, size_t size, size_t count, void* self);
  static size_t on_header(char* data, size_t size, size_t count, void* self);
  static int on_request_issued(void* self, char* primary_ip, char* local_ip, int primary_port,
                               int local_port);

  CurlEasy easy_;
  CurlMulti* multi_ = nullptr;  // while attached
  const ApiHeaders& headers_;
  RequestUrl url_;
  const std::size_t body_cap_;
  store::ClaimedJob job_;
  EpochMs started_at_ = 0;
  std::string response_body_;
  bool response_truncated_ = false;
  std::string retry_after_;
  int times_sent_ = 0;
  std::size_t header_bytes_ = 0;  // of every header block of this transfer
  std::size_t body_bytes_ = 0;    // received, kept or not
  bool headers_ended_ = false;    // the blank line after the last header block came
  enum class Overflow { kNone, kHeaders, kBody } overflow_ = Overflow::kNone;
  std::array<char, CURL_ERROR_SIZE> error_buffer_{};
};

}  // namespace oneall::engine
