// The sandbox (docs/cli.md#the-sandbox): serves the Update API's paths, methods, auth check and
// JSON answers on a loopback address over an in-memory set of objects, counts what it
// received (GET /sandbox/stats) so tests can prove nothing was lost or sent twice, records when
// each API request arrived (GET /sandbox/received) so a client's rate can be measured from the
// server's side, and injects faults for rehearsals: latency, errors, throttling, resets.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "api/credentials.hpp"
#include "sandbox/receive_log.hpp"
#include "util/result.hpp"

namespace oneall::sandbox {

struct SandboxOptions {
  std::string host = "127.0.0.1";  // must be loopback
  int port = 0;                    // 0: an ephemeral port
  api::Credentials credentials = api::sandbox_credentials();
  int latency_ms = 0;                     // from each request's arrival to its answer
  std::set<std::string> missing_objects;  // object ids that answer 404 as if never there
  // Worker threads (at least 4). cpp-httplib holds one per open keep-alive connection, and a
  // request's latency is slept on it, so this bounds the connections served at once and the
  // rate to threads / latency: keep it above the client's concurrency. The `sandbox` command
  // defaults to kCommandThreads; in-process users size it to their client.
  int threads = 72;
  // 3 x the runner benchmark's 64 connections (the headroom target: three times what
  // 64 in flight at 50 ms need), plus room for scripts reading /sandbox/stats: 256 threads
  // serve up to 5,120 req/s at 50 ms. Idle threads cost a stack mapping each, little RSS.
  static constexpr int kCommandThreads = 256;

  // Faults (docs/cli.md#the-sandbox), for API requests under /update/ only (GET /, /tools/ping.json
  // and /sandbox/* are never faulted). Decided on arrival, in this order (fault_plan.hpp):
  double throttle_rps = 0;    // above this many requests/s: 429 + Retry-After, not applied (0: off)
  double throttle_burst = 0;  // let through at once after an idle spell (0: throttle_rps, min 1)
  double reset_rate = 0;      // 0..1: connections dropped without an answer; half of them after
                              // the change was applied (the answer is lost), half before
  double error_rate = 0;      // 0..1: answered 500 or 503 (error envelope), not applied
  std::optional<std::uint64_t> seed;  // seeds all the faults' randomness; unset: the system's
};

struct SandboxStats {
  std::uint64_t requests = 0;      // all received, any path
  std::uint64_t applied = 0;       // changes made (a PUT that changed data, a DELETE that removed)
  std::uint64_t repeated = 0;      // a change already applied: 2nd DELETE, same PUT body again
  std::uint64_t unauthorized = 0;  // answered 401
  std::uint64_t not_found = 0;     // answered 404
  std::uint64_t bad_requests = 0;  // answered 400 or 405
  std::uint64_t max_concurrent = 0;      // most API requests being handled at one moment
  std::uint64_t connections = 0;         // client connections API requests came on (distinct
                                         // client ports: a client reusing connections keeps
                                         // this at its concurrency)
  std::uint64_t errors_injected = 0;     // answered 500 or 503 by --error-rate
  std::uint64_t throttled = 0;           // answered 429 by --throttle
  std::uint64_t resets = 0;              // connections dropped by --reset-rate, all of them
  std::uint64_t resets_after_apply = 0;  // of those, dropped after the change was made (and
                                         // counted in applied or repeated)
};

class SandboxServer {
 public:
  explicit SandboxServer(SandboxOptions options);
  ~SandboxServer();  // stops and joins
  SandboxServer(const SandboxServer&) = delete;
  SandboxServer& operator=(const SandboxServer&) = delete;

  // Checks the options, binds and starts serving on a background thread; returns the bound
  // port.
  Result<int> start();
  void stop();
  // Blocks until stop() is called from elsewhere (used by the `sandbox` command).
  void wait();

  int port() const;
  std::string base_url() const;  // "http://127.0.0.1:PORT", "http://[::1]:PORT"
  SandboxStats stats() const;
  // When each API request (under /update/) arrived, in microseconds since start(), oldest
  // first; the last ReceiveLog::kDefaultCapacity are kept. Also GET /sandbox/received.
  ReceiveTimes received() const;
  // The seed the faults use (the one given, or the one drawn); meaningful once started.
  std::uint64_t seed() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace oneall::sandbox
