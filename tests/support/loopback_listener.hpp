// A listening TCP socket on 127.0.0.1 at a port the kernel picks: the start of every test
// server that is not the sandbox (canned, hostile and TLS answers).
#pragma once

#include <cstdint>

namespace oneall::testing {

struct LoopbackListener {
  int fd = -1;  // the caller's to close
  std::uint16_t port = 0;
};

// Throws std::runtime_error naming `server` when the socket cannot be bound or listened on.
LoopbackListener listen_on_loopback(const char* server, int backlog = 16);

}  // namespace oneall::testing
