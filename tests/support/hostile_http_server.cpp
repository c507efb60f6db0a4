#include "support/hostile_http_server.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>

#include "support/loopback_listener.hpp"

namespace oneall::testing {
namespace {

constexpr int kPollStepMs = 50;
constexpr std::size_t kMaxRequestBytes = 1024 * 1024;

bool ready(int fd, short events) {
  pollfd p{fd, events, 0};
  return poll(&p, 1, kPollStepMs) > 0;
}

std::size_t content_length(std::string head) {
  std::transform(head.begin(), head.end(), head.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const auto at = head.find("\r\ncontent-length:");
  if (at == std::string::npos) return 0;
  return std::stoul(head.substr(at + 17));
}

}  // namespace

bool HostileConnection::send(std::string_view bytes) {
  while (!bytes.empty()) {
    if (stop_) return false;
    if (!ready(fd_, POLLOUT)) continue;
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) continue;
    if (n <= 0) return false;  // the client hung up (EPIPE, ECONNRESET)
    bytes.remove_prefix(static_cast<std::size_t>(n));
    sent_ += static_cast<std::size_t>(n);
  }
  return true;
}

bool HostileConnection::pause(std::chrono::milliseconds how_long) {
  const auto until = std::chrono::steady_clock::now() + how_long;
  while (!stop_ && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return !stop_;
}

HostileBehaviour send_and_close(std::string raw) {
  return [raw = std::move(raw)](HostileConnection& c) { c.send(raw); };
}

HostileBehaviour send_endlessly(std::string head, std::string unit, std::size_t limit) {
  return [head = std::move(head), unit = std::move(unit), limit](HostileConnection& c) {
    if (!c.send(head)) return;
    while (c.bytes_sent() < limit && c.send(unit)) {
    }
  };
}

HostileBehaviour drip(std::string raw, std::chrono::milliseconds interval) {
  return [raw = std::move(raw), interval](HostileConnection& c) {
    for (char byte : raw) {
      if (!c.send(std::string_view(&byte, 1)) || !c.pause(interval)) return;
    }
  };
}

HostileHttpServer::HostileHttpServer(HostileBehaviour behaviour)
    : behaviour_(std::move(behaviour)) {
  const LoopbackListener listener = listen_on_loopback("HostileHttpServer");
  listen_fd_ = listener.fd;
  port_ = listener.port;
  thread_ = std::thread([this] { serve(); });
}

HostileHttpServer::~HostileHttpServer() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (listen_fd_ >= 0) close(listen_fd_);
}

void HostileHttpServer::serve() {
  while (!stop_) {
    if (!ready(listen_fd_, POLLIN)) continue;
    const int fd = accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    if (read_request(fd)) {
      ++requests_;
      HostileConnection connection(fd, stop_);
      behaviour_(connection);
      bytes_sent_ += connection.bytes_sent();
    }
    close(fd);
  }
}

// Reads one request, head and body, as far as the client sends it (bounded).
bool HostileHttpServer::read_request(int fd) {
  std::string buffer;
  while (!stop_ && buffer.size() < kMaxRequestBytes) {
    const auto head_end = buffer.find("\r\n\r\n");
    if (head_end != std::string::npos &&
        buffer.size() >= head_end + 4 + content_length(buffer.substr(0, head_end + 2))) {
      return true;
    }
    if (!ready(fd, POLLIN)) continue;
    char chunk[4096];
    const ssize_t n = recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<std::size_t>(n));
  }
  return false;
}

}  // namespace oneall::testing
