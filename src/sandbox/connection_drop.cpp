#include "sandbox/connection_drop.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <optional>

namespace oneall::sandbox {
namespace {

struct Endpoint {
  std::string addr;
  int port = 0;
  bool operator==(const Endpoint&) const = default;
};

std::optional<Endpoint> endpoint_of(const sockaddr_storage& address) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
    if (!inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text)) return std::nullopt;
    return Endpoint{text, ntohs(v4.sin_port)};
  }
  if (address.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
    if (!inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text)) return std::nullopt;
    return Endpoint{text, ntohs(v6.sin6_port)};
  }
  return std::nullopt;
}

using NameGetter = int (*)(int, sockaddr*, socklen_t*);

std::optional<Endpoint> name_of(int fd, NameGetter get) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (get(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return std::nullopt;
  return endpoint_of(address);
}

std::optional<int> as_fd(const std::string& name) {
  int fd = -1;
  const auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), fd);
  if (error != std::errc{} || end != name.data() + name.size()) return std::nullopt;
  return fd;
}

}  // namespace

Status drop_connection(const ConnectionEnds& ends) {
  const Endpoint local{ends.local_addr, ends.local_port};
  const Endpoint remote{ends.remote_addr, ends.remote_port};
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", error)) {
    const std::optional<int> fd = as_fd(entry.path().filename().string());
    if (!fd) continue;
    // The local end first: it rules out every descriptor but the server's own connections.
    if (name_of(*fd, &getsockname) != local || name_of(*fd, &getpeername) != remote) continue;
    if (::shutdown(*fd, SHUT_RDWR) != 0) {
      return Error{fmt::format("cannot drop the connection from {}:{}: {}", ends.remote_addr,
                               ends.remote_port, std::strerror(errno))};
    }
    return Ok{};
  }
  if (error) {
    return Error{
        fmt::format("cannot list /proc/self/fd to drop a connection: {}", error.message())};
  }
  return Error{fmt::format("no socket found for the connection from {}:{} to {}:{}",
                           ends.remote_addr, ends.remote_port, ends.local_addr, ends.local_port)};
}

}  // namespace oneall::sandbox
