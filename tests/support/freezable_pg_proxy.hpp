// The test cluster's PostgreSQL seen through a door the test can jam: a Unix socket in a folder
// of its own that forwards each connection to the cluster's socket, byte for byte, until
// freeze(). From then on nothing passes either way and new connections get no answer, but no
// socket closes: a client waits, as behind a network that drops packets or a frozen server. For
// tests of a runner cut off from its database without dying.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace oneall::testing {

class FreezablePgProxy {
 public:
  // `database_uri`: a PgTestDatabase's URI (postgresql:///NAME?host=DIR&port=...).
  explicit FreezablePgProxy(const std::string& database_uri);
  ~FreezablePgProxy();
  FreezablePgProxy(const FreezablePgProxy&) = delete;
  FreezablePgProxy& operator=(const FreezablePgProxy&) = delete;

  // The same database, reached through the proxy.
  const std::string& uri() const { return uri_; }
  void freeze() { frozen_ = true; }

 private:
  void forward_until_stopped();

  std::string directory_;
  std::string target_path_;  // the cluster's socket
  std::string uri_;
  int listener_ = -1;
  int wake_[2] = {-1, -1};  // a pipe: the destructor writes, the thread wakes and ends
  std::atomic<bool> frozen_{false};
  std::vector<int> sockets_;  // pairs: client, server; the thread's alone until it is joined
  std::thread thread_;
};

}  // namespace oneall::testing
