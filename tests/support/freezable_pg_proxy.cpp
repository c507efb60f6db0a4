#include "support/freezable_pg_proxy.hpp"

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace oneall::testing {
namespace {

// "host=DIR&port=P" of a libpq URI: the socket is DIR/.s.PGSQL.P.
std::string query_value(const std::string& uri, const std::string& key) {
  const auto at = uri.find(key + "=");
  if (at == std::string::npos) throw std::runtime_error("no " + key + " in " + uri);
  const auto start = at + key.size() + 1;
  return uri.substr(start, uri.find('&', start) - start);
}

sockaddr_un socket_address(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof address.sun_path) throw std::runtime_error("path too long: " + path);
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  return address;
}

bool write_all(int fd, const char* data, ssize_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, static_cast<std::size_t>(size));
    if (n <= 0) return false;
    data += n;
    size -= n;
  }
  return true;
}

}  // namespace

FreezablePgProxy::FreezablePgProxy(const std::string& database_uri) {
  const std::string host = query_value(database_uri, "host");
  const std::string port = query_value(database_uri, "port");
  target_path_ = host + "/.s.PGSQL." + port;
  std::string templ = "/tmp/oneall-pgproxy.XXXXXX";  // short: a socket path has 107 bytes
  if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  directory_ = templ;
  uri_ = database_uri;
  uri_.replace(uri_.find("host=" + host), 5 + host.size(), "host=" + directory_);

  listener_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const sockaddr_un address = socket_address(directory_ + "/.s.PGSQL." + port);
  if (listener_ < 0 ||
      ::bind(listener_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener_, 64) != 0 || ::pipe2(wake_, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("proxy: cannot listen: ") + std::strerror(errno));
  }
  thread_ = std::thread([this] { forward_until_stopped(); });
}

FreezablePgProxy::~FreezablePgProxy() {
  (void)!::write(wake_[1], "x", 1);
  thread_.join();
  for (int fd : sockets_) {
    if (fd >= 0) ::close(fd);
  }
  ::close(listener_);
  ::close(wake_[0]);
  ::close(wake_[1]);
  std::error_code ignored;
  std::filesystem::remove_all(directory_, ignored);
}

// One poll over the wake pipe, the listener and (unless frozen) every socket; bytes read from
// one side of a pair are written to the other. Bounded: it ends when the destructor wakes it.
void FreezablePgProxy::forward_until_stopped() {
  std::array<char, 65536> buffer{};
  while (true) {
    const bool frozen = frozen_.load();
    std::vector<pollfd> watched = {{wake_[0], POLLIN, 0}, {listener_, POLLIN, 0}};
    if (!frozen) {
      for (int fd : sockets_) watched.push_back({fd, POLLIN, 0});
    }
    if (::poll(watched.data(), watched.size(), 50) < 0 && errno != EINTR) return;
    if (watched[0].revents != 0) return;
    if (watched[1].revents != 0) {
      const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client >= 0) {
        const int server = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        const sockaddr_un target = socket_address(target_path_);
        // Frozen: the client is taken in but gets nothing, as from a server that hangs.
        if (!frozen) {
          (void)::connect(server, reinterpret_cast<const sockaddr*>(&target), sizeof target);
        }
        sockets_.push_back(client);
        sockets_.push_back(server);
      }
    }
    if (frozen_.load()) continue;
    for (std::size_t i = 2; i < watched.size(); ++i) {
      if ((watched[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      const std::size_t index = i - 2;
      const int from = sockets_[index];
      const int to = sockets_[index ^ 1];  // the other of its pair
      const ssize_t n = ::read(from, buffer.data(), buffer.size());
      if (n > 0 && write_all(to, buffer.data(), n)) continue;
      // One side ended: end the pair (poll skips the -1s from now on).
      ::close(from);
      ::close(to);
      sockets_[index] = -1;
      sockets_[index ^ 1] = -1;
    }
  }
}

}  // namespace oneall::testing
