// SandboxServer::start is either fully started or fully undone: a start that fails leaves no
// socket, no thread and nothing for stop() or wait() to do, and the same server can be started
// again. The two calls start() makes on the listening socket itself report their failures.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>

#include "sandbox/listening_socket.hpp"
#include "sandbox/sandbox_server.hpp"
#include "support/http_client.hpp"

namespace oneall::sandbox {
namespace {

using namespace std::chrono_literals;

SandboxOptions on_port(int port) {
  SandboxOptions options;
  options.port = port;
  return options;
}

TEST(SandboxStart, ABindThatFailsLeavesItUnstartedAndItStartsLaterOnTheSamePort) {
  SandboxServer holder(on_port(0));
  auto held = holder.start();
  ASSERT_TRUE(held.ok()) << held.error().message;

  SandboxServer late(on_port(*held));
  auto refused = late.start();
  ASSERT_FALSE(refused.ok()) << "the port is taken";
  EXPECT_NE(refused.error().message.find("cannot listen on 127.0.0.1:"), std::string::npos)
      << refused.error().message;
  EXPECT_EQ(late.port(), 0);

  // Nothing was started, so neither stop() nor wait() has anything to wait for.
  auto stopped = std::async(std::launch::async, [&late] {
    late.stop();
    late.wait();
  });
  ASSERT_EQ(stopped.wait_for(5s), std::future_status::ready) << "stop() or wait() hung";

  holder.stop();
  auto started = late.start();  // the same server, now that the port is free
  ASSERT_TRUE(started.ok()) << started.error().message;
  EXPECT_EQ(*started, *held);
  EXPECT_EQ(testing::http_request("GET", late.base_url() + "/").status, 200);
  late.stop();
}

TEST(SandboxStart, AStartedServerRefusesASecondStartAndKeepsServing) {
  SandboxServer server(on_port(0));
  ASSERT_TRUE(server.start().ok());
  auto again = server.start();
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().message.find("already started"), std::string::npos);
  EXPECT_EQ(testing::http_request("GET", server.base_url() + "/").status, 200);
}

class Descriptor {
 public:
  explicit Descriptor(int fd) : fd_(fd) {}
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

TEST(ListeningSocket, RaisingTheBacklogOfASocketThatCannotListenIsAnError) {
  Descriptor datagram(::socket(AF_INET, SOCK_DGRAM, 0));  // UDP: listen() is not supported
  ASSERT_GE(datagram.get(), 0);
  Status raised = raise_listen_backlog(datagram.get());
  ASSERT_FALSE(raised.ok());
  EXPECT_NE(raised.error().message.find("backlog"), std::string::npos) << raised.error().message;
}

TEST(ListeningSocket, SettingAnOptionOnADescriptorThatIsNotASocketIsAnError) {
  Descriptor not_a_socket(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  ASSERT_GE(not_a_socket.get(), 0);
  Status reused = allow_address_reuse(not_a_socket.get());
  ASSERT_FALSE(reused.ok());
  EXPECT_NE(reused.error().message.find("SO_REUSEADDR"), std::string::npos)
      << reused.error().message;
}

TEST(ListeningSocket, BothSucceedOnAListeningTcpSocket) {
  Descriptor tcp(::socket(AF_INET, SOCK_STREAM, 0));
  ASSERT_GE(tcp.get(), 0);
  EXPECT_TRUE(allow_address_reuse(tcp.get()).ok());
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(tcp.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(tcp.get(), 5), 0);
  EXPECT_TRUE(raise_listen_backlog(tcp.get()).ok());
}

}  // namespace
}  // namespace oneall::sandbox
