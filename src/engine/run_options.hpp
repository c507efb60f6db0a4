// What a run needs to know: where to send, as whom, how hard, and how long to persist.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "api/credentials.hpp"
#include "engine/request_metrics.hpp"
#include "util/clock.hpp"

namespace oneall::engine {

struct RunOptions {
  std::string api_root;  // "https://sandbox.api.oneall.com" or "http://127.0.0.1:PORT"
  api::Credentials credentials;
  // With --cacert: the system CA bundle plus the user's CA, as one PEM (ca_bundle.hpp), lent to
  // libcurl without a copy, so it must outlive the run. Unset: libcurl's default bundle. TLS
  // verification is never off.
  std::optional<std::string> ca_bundle;
  int concurrency = 16;  // requests in flight
  int max_attempts = 5;
  std::int64_t timeout_ms = 30'000;  // per request, whole transfer
  std::int64_t connect_timeout_ms = 10'000;
  std::int64_t retry_base_ms = 500;  // backoff: random in [0, min(cap, base * 2^(attempt-1))]
  std::int64_t retry_cap_ms = 60'000;
  std::int64_t lease_ms = 120'000;  // a claimed job is ours this long without renewal
  // Fencing (docs/cli.md#many-runners): a request starts only if it would end (timeout_ms) this
  // long before the leases the queue last confirmed run out. Covers clock skew between hosts.
  // Needs lease_ms >= 1.5 x (timeout_ms + fence_margin_ms) for a healthy run never to stall.
  std::int64_t fence_margin_ms = 1'000;
  std::size_t response_body_cap = 64 * 1024;
  std::optional<std::int64_t> batch;  // work only this batch
  // Due jobs we cannot claim while nothing of ours is in flight are held by another run (an
  // earlier job on their object is running there). Wait this long for it, then stop early.
  std::int64_t blocked_wait_ms = 30'000;
  std::optional<std::uint64_t> random_seed;  // backoff jitter; random when unset (tests set it)

  // Rate limits in requests per second (docs/cli.md#rate-limits); unset: no limit.
  std::optional<double> rate;           // the whole run
  std::optional<double> identity_rate;  // each identity token
  // This many 401/403 answers in a row stop the run (docs/cli.md#the-circuit-breaker); 0: never.
  int breaker_threshold = 5;
  // --missing-ok: a DELETE answered 404 succeeds as already_gone on its first attempt too
  // (retry_policy.hpp).
  bool missing_ok = false;
  // Stop taking new work at this time (--deadline); in-flight requests still finish.
  std::optional<EpochMs> deadline;
  // After a stop (signal, deadline, breaker), requests still in flight get this long to answer;
  // then they are recorded as interrupted and their jobs go back to pending.
  std::int64_t stop_grace_ms = 3'000;
};

// Why a run ended before the queue ran dry.
enum class StopCause { kNone, kSignal, kDeadline, kCircuitBreaker, kBlocked };

struct RunSummary {
  std::int64_t requests = 0;   // attempts sent (and answered or failed)
  std::int64_t succeeded = 0;  // jobs that reached succeeded in this run
  std::int64_t failed = 0;
  std::int64_t dead = 0;
  // Attempts answered with a retryable error (connection lost, timeout, 408, 429, 5xx): each
  // leaves its job pending, sent again later in this run or by the next. Not jobs waiting.
  std::int64_t retries = 0;
  // Of `failed`, the jobs refused with 401/403: what a circuit breaker tripped by wrong keys
  // leaves failed, for `retry` to bring back once the keys are right.
  std::int64_t refused = 0;
  std::int64_t duration_ms = 0;
  std::int64_t in_flight = 0;  // requests being sent now (progress snapshots only)
  bool stopped_early = false;  // work may remain
  StopCause stop_cause = StopCause::kNone;
  std::string stop_reason;  // why stopped_early, for the user; empty otherwise
  RequestMetrics metrics;   // every attempt recorded, interrupted ones included
};

}  // namespace oneall::engine
