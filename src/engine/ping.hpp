// One blocking `GET {api_root}/tools/ping.json` with a run's credentials and TLS settings, for
// `check` (docs/cli.md#check): proves endpoint, subdomain and keys before a long run. Same
// rules as a job's request: TLS verified, no redirects, http(s) only, body read up to a cap.
#pragma once

#include <curl/curl.h>

#include <string>

#include "engine/run_options.hpp"

namespace oneall::engine {

struct PingAnswer {
  CURLcode result = CURLE_OK;   // not CURLE_OK: no HTTP answer
  std::string transport_error;  // curl's message and detail when result is not CURLE_OK
  int http_status = 0;
  std::string body;  // at most options.response_body_cap bytes
};

// Uses api_root, credentials, ca_bundle, timeout_ms, connect_timeout_ms, response_body_cap.
PingAnswer ping(const RunOptions& options);

}  // namespace oneall::engine
