// What a run needs to know: where to send, as whom, how hard, and how long to persist.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "api/credentials.hpp"

namespace oneall::engine {

struct RunOptions {
  std::string api_root;  // "https://sandbox.api.oneall.com" or "http://127.0.0.1:PORT"
  api::Credentials credentials;
  std::optional<std::string> cacert;  // extra CA file; TLS verification is never off
  int concurrency = 16;               // requests in flight
  int max_attempts = 5;
  std::int64_t timeout_ms = 30'000;  // per request, whole transfer
  std::int64_t connect_timeout_ms = 10'000;
  std::int64_t retry_base_ms = 500;  // backoff: random in [0, min(cap, base * 2^(attempt-1))]
  std::int64_t retry_cap_ms = 60'000;
  std::int64_t lease_ms = 120'000;  // a claimed job is ours this long without renewal
  std::size_t response_body_cap = 64 * 1024;
  std::optional<std::int64_t> batch;  // work only this batch
};

struct RunSummary {
  std::int64_t requests = 0;   // attempts sent (and answered or failed)
  std::int64_t succeeded = 0;  // jobs that reached succeeded in this run
  std::int64_t failed = 0;
  std::int64_t dead = 0;
  std::int64_t retries = 0;  // attempts that will be retried
  std::int64_t duration_ms = 0;
  bool stopped_early = false;  // signal: work may remain
};

}  // namespace oneall::engine
