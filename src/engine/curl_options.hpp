// Setting libcurl options as a list that keeps the first refusal, and the options every request
// to the API carries, whether a job's (InFlightRequest) or `check`'s (ping): one place decides
// how credentials, TLS, redirects and timeouts are handled.
#pragma once

#include <curl/curl.h>

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

// What every request to the API carries: Basic auth from options.credentials (libcurl builds
// the header in memory: keys never go into a URL, so never into a message or the audit log),
// the timeouts, no redirects (a redirect is an answer to audit, not to follow), http(s) only,
// and TLS always verified, against options.ca_bundle when --cacert added a CA (the bundle is
// borrowed: it must outlive the transfer).
OptionSetter& set_api_transport(OptionSetter& setter, const RunOptions& options);

}  // namespace oneall::engine
