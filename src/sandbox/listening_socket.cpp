#include "sandbox/listening_socket.hpp"

#include <fmt/format.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace oneall::sandbox {

Status allow_address_reuse(int socket_fd) {
  const int yes = 1;
  if (::setsockopt(socket_fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes) != 0) {
    return Error{
        fmt::format("cannot set SO_REUSEADDR on the listening socket: {}", std::strerror(errno))};
  }
  return Ok{};
}

Status raise_listen_backlog(int socket_fd) {
  // Linux lets listen() on a listening socket change its backlog.
  if (::listen(socket_fd, SOMAXCONN) != 0) {
    return Error{fmt::format("cannot raise the listening socket's backlog to {}: {}", SOMAXCONN,
                             std::strerror(errno))};
  }
  return Ok{};
}

}  // namespace oneall::sandbox
