// One request in flight (after cpr): owns its easy handle and everything libcurl borrows from
// it while the transfer runs — URL, header list, request body, error buffer — plus what comes
// back: the response body (capped), the Retry-After header, and the job it belongs to. The
// object is reused for request after request so handles and buffers are not churned.
#pragma once

#include <curl/curl.h>

#include <array>
#include <string>

#include "engine/curl_handles.hpp"
#include "engine/run_options.hpp"
#include "store/queue.hpp"
#include "util/clock.hpp"

namespace oneall::engine {

class InFlightRequest {
 public:
  InFlightRequest();
  InFlightRequest(const InFlightRequest&) = delete;
  InFlightRequest& operator=(const InFlightRequest&) = delete;

  // Sets the handle up for `job` (resetting whatever the previous request left).
  void prepare(store::ClaimedJob job, const RunOptions& options, EpochMs started_at);

  // Adds to / removes from `multi`. The handle's CURLOPT_PRIVATE points back at this object.
  CURLMcode add_to(CURLM* multi);
  void remove_from(CURLM* multi);
  static InFlightRequest* from_handle(CURL* easy);

  const store::ClaimedJob& job() const { return job_; }
  EpochMs started_at() const { return started_at_; }
  int http_status() const;  // 0 when no answer arrived
  // What went wrong in transport: curl's message plus detail, never a credential.
  std::string transport_error(CURLcode result) const;
  const std::string& response_body() const { return response_body_; }
  bool response_truncated() const { return response_truncated_; }
  const std::string& retry_after() const { return retry_after_; }

 private:
  static size_t on_body(char* data, size_t size, size_t count, void* self);
  static size_t on_header(char* data, size_t size, size_t count, void* self);

  CurlEasy easy_;
  CurlSlist headers_;
  std::string url_;
  store::ClaimedJob job_;
  EpochMs started_at_ = 0;
  std::size_t body_cap_ = 0;
  std::string response_body_;
  bool response_truncated_ = false;
  std::string retry_after_;
  std::array<char, CURL_ERROR_SIZE> error_buffer_{};
};

}  // namespace oneall::engine
