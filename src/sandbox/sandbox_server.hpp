// The built-in Update API emulator (SPEC §7): serves API.md's paths, methods, auth check and
// JSON answers on a loopback address over an in-memory set of objects, counts what it
// received (GET /sandbox/stats) so tests can prove nothing was lost or sent twice, and can
// add latency (fault injection comes later: see SandboxOptions).
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>

#include "api/credentials.hpp"
#include "util/result.hpp"

namespace oneall::sandbox {

struct SandboxOptions {
  std::string host = "127.0.0.1";  // must be loopback
  int port = 0;                    // 0: an ephemeral port
  api::Credentials credentials = api::sandbox_credentials();
  int latency_ms = 0;                     // added before every answer
  std::set<std::string> missing_objects;  // object ids that answer 404 as if never there
  // Worker threads. cpp-httplib holds one per open connection, so this bounds the clients
  // served at once: keep it above the client's concurrency.
  int threads = 72;
};

struct SandboxStats {
  std::uint64_t requests = 0;      // all received, any path
  std::uint64_t applied = 0;       // changes made (a PUT that changed data, a DELETE that removed)
  std::uint64_t repeated = 0;      // a change already applied: 2nd DELETE, same PUT body again
  std::uint64_t unauthorized = 0;  // answered 401
  std::uint64_t not_found = 0;     // answered 404
  std::uint64_t bad_requests = 0;  // answered 400 or 405
  std::uint64_t max_concurrent = 0;  // most API requests being handled at one moment
};

class SandboxServer {
 public:
  explicit SandboxServer(SandboxOptions options);
  ~SandboxServer();  // stops and joins
  SandboxServer(const SandboxServer&) = delete;
  SandboxServer& operator=(const SandboxServer&) = delete;

  // Binds and starts serving on a background thread; returns the bound port.
  Result<int> start();
  void stop();
  // Blocks until stop() is called from elsewhere (used by the `sandbox` command).
  void wait();

  int port() const;
  std::string base_url() const;  // "http://127.0.0.1:PORT"
  SandboxStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace oneall::sandbox
