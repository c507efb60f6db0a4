// Setting libcurl options as a list that keeps the first refusal, and what every request to the
// API carries, whether a job's (InFlightRequest) or `check`'s (ping): one place decides how
// credentials, TLS, redirects and timeouts are handled.
#pragma once

#include <curl/curl.h>

#include "api/credentials.hpp"
#include "engine/curl_handles.hpp"
#include "engine/run_options.hpp"
#include "util/result.hpp"

namespace oneall::engine {

// Sets options one after another and keeps the first refusal, so a request's setup reads as a
// list.
class OptionSetter {
 public:
  explicit OptionSetter(CURL* easy) : easy_(easy) {}

  template <class T>
  OptionSetter& set(CURLoption option, T value) {
    if (failed_ == CURLE_OK) {
      failed_ = curl_easy_setopt(easy_, option, value);
      if (failed_ != CURLE_OK) option_ = option;
    }
    return *this;
  }

  CURLcode code() const { return failed_; }
  // An Error names the option libcurl refused, and why.
  Status status() const;

 private:
  CURL* easy_;
  CURLcode failed_ = CURLE_OK;
  CURLoption option_{};
};

// The header lines every request to the API carries: Basic auth from the credentials, the user
// agent, JSON accepted, no 100-continue round trip (bodies are a few hundred bytes), and for a
// request with a body its JSON content type. Built once per run, for every request of the run:
// libcurl only reads a header list, so easy handles of one thread may share it. (Given the
// credentials and user agent as options, libcurl formats both lines anew for every request:
// about a tenth of the sending thread's instructions at 64 in flight, bench/README.md.) The
// credentials live in memory only: keys never go into a URL, so never into a message or the
// audit log.
class ApiHeaders {
 public:
  explicit ApiHeaders(const api::Credentials& credentials);  // throws std::bad_alloc
  curl_slist* with_body() const { return with_body_.get(); }
  curl_slist* without_body() const { return without_body_.get(); }

 private:
  CurlSlist with_body_;
  CurlSlist without_body_;
};

// The options every request to the API carries, besides its ApiHeaders: the timeouts, no
// redirects (a redirect is an answer to audit, not to follow), http(s) only, and TLS always
// verified, against options.ca_bundle when --cacert added a CA (the bundle is borrowed: it must
// outlive the transfer).
OptionSetter& set_api_transport(OptionSetter& setter, const RunOptions& options);

}  // namespace oneall::engine
