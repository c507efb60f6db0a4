// A scripted HTTP/1.1 peer on 127.0.0.1 for the engine tests: the nth request gets the nth
// reply of its script (the last one repeats). It exists for the answers the sandbox cannot give
// — 503 with Retry-After, 401s between successes, a redirect, a huge body — and to see the
// exact bytes libcurl sent. One connection is served at a time, so tests that
// use it run with concurrency 1. Everything else runs against the real sandbox.
#pragma once

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/loopback_listener.hpp"

namespace oneall::engine::testing {

struct CannedReply {
  std::string raw;  // the whole answer, status line to body
};

inline CannedReply canned(int status, const std::string& body,
                          const std::string& extra_headers = "") {
  return {"HTTP/1.1 " + std::to_string(status) + " Canned\r\nContent-Type: application/json\r\n" +
          "Content-Length: " + std::to_string(body.size()) + "\r\n" + extra_headers + "\r\n" +
          body};
}

// The API's envelope, as the sandbox and docs/api.md#responses shape it.
inline std::string envelope(const std::string& flag, int code) {
  return R"({"response":{"request":{"date":"Mon, 04 Nov 2019 16:12:58 +0100","resource":"/x",)"
         R"("status":{"flag":")" +
         flag + R"(","code":)" + std::to_string(code) + R"(,"info":"canned"}}}})";
}

class CannedHttpServer {
 public:
  explicit CannedHttpServer(std::vector<CannedReply> script) : script_(std::move(script)) {
    const oneall::testing::LoopbackListener listener =
        oneall::testing::listen_on_loopback("CannedHttpServer");
    listen_fd_ = listener.fd;
    port_ = listener.port;
    thread_ = std::thread([this] { serve(); });
  }

  ~CannedHttpServer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (listen_fd_ >= 0) close(listen_fd_);
  }

  CannedHttpServer(const CannedHttpServer&) = delete;
  CannedHttpServer& operator=(const CannedHttpServer&) = delete;

  bool listening() const { return listen_fd_ >= 0; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // Every request received so far, head and body as they came.
  std::vector<std::string> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  int connections() const { return connections_.load(); }

 private:
  // Waits up to 50 ms for `fd` to be readable, so stop_ is seen promptly.
  static bool readable(int fd) {
    pollfd p{fd, POLLIN, 0};
    return poll(&p, 1, 50) > 0;
  }

  static std::size_t content_length(const std::string& head) {
    std::string lower(head);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const auto at = lower.find("\r\ncontent-length:");
    if (at == std::string::npos) return 0;
    return std::stoul(lower.substr(at + 17));
  }

  void serve() {
    while (!stop_) {
      if (!readable(listen_fd_)) continue;
      const int fd = accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) continue;
      ++connections_;
      handle(fd);
      close(fd);
    }
  }

  // Serves requests on one connection until the client closes it or stop.
  void handle(int fd) {
    std::string buffer;
    while (!stop_) {
      const auto head_end = buffer.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        const std::size_t total = head_end + 4 + content_length(buffer.substr(0, head_end + 2));
        if (buffer.size() >= total) {
          const CannedReply& reply = next_reply(buffer.substr(0, total));
          buffer.erase(0, total);
          for (std::size_t sent = 0; sent < reply.raw.size();) {
            const ssize_t n =
                send(fd, reply.raw.data() + sent, reply.raw.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) return;
            sent += static_cast<std::size_t>(n);
          }
          continue;
        }
      }
      if (!readable(fd)) continue;
      char chunk[4096];
      const ssize_t n = recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return;
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
  }

  const CannedReply& next_reply(std::string request) {
    std::lock_guard lock(mutex_);
    requests_.push_back(std::move(request));
    return script_[std::min(requests_.size(), script_.size()) - 1];
  }

  std::vector<CannedReply> script_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  mutable std::mutex mutex_;
  std::vector<std::string> requests_;
  std::thread thread_;
};

}  // namespace oneall::engine::testing
