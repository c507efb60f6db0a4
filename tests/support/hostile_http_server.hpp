// A raw-socket HTTP peer on an ephemeral 127.0.0.1 port that misbehaves at the byte level, for
// the hostile response tests: it reads each request (head and Content-Length body), then hands
// the connection to a behaviour that writes whatever bytes it likes — an endless body, headers
// without end, a status line a byte a second — and closes it. One connection at a time (tests
// run the runner with concurrency 1). Every behaviour is bounded in bytes, and each write waits
// for the peer at most in 50 ms steps, so a stopped server or a client that hung up ends it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

namespace oneall::testing {

// The accepted connection, as a behaviour sees it.
class HostileConnection {
 public:
  HostileConnection(int fd, const std::atomic<bool>& stop) : fd_(fd), stop_(stop) {}
  // Sends all of `bytes`; false when the client hung up or the server is stopping.
  bool send(std::string_view bytes);
  // Waits `how_long`, or less when the server is stopping; false then.
  bool pause(std::chrono::milliseconds how_long);
  std::size_t bytes_sent() const { return sent_; }

 private:
  int fd_;
  const std::atomic<bool>& stop_;
  std::size_t sent_ = 0;
};

using HostileBehaviour = std::function<void(HostileConnection&)>;

// Sends `raw` and hangs up.
HostileBehaviour send_and_close(std::string raw);
// Sends `head`, then `unit` again and again until the client hangs up or `limit` bytes went.
HostileBehaviour send_endlessly(std::string head, std::string unit, std::size_t limit);
// Sends `raw` one byte at a time, `interval` apart (slowloris).
HostileBehaviour drip(std::string raw, std::chrono::milliseconds interval);

class HostileHttpServer {
 public:
  explicit HostileHttpServer(HostileBehaviour behaviour);
  ~HostileHttpServer();
  HostileHttpServer(const HostileHttpServer&) = delete;
  HostileHttpServer& operator=(const HostileHttpServer&) = delete;

  bool listening() const { return listen_fd_ >= 0; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int requests() const { return requests_.load(); }
  // Bytes the behaviours sent, all connections together.
  std::size_t bytes_sent() const { return bytes_sent_.load(); }

 private:
  void serve();
  bool read_request(int fd);

  HostileBehaviour behaviour_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::atomic<std::size_t> bytes_sent_{0};
  std::thread thread_;
};

}  // namespace oneall::testing
