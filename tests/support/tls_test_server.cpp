#include "support/tls_test_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <stdexcept>
#include <string_view>

#include "support/loopback_listener.hpp"
#include "support/test_certificate.hpp"

namespace oneall::testing {
namespace {

template <class T, void (*Free)(T*)>
struct Freer {
  void operator()(T* p) const { Free(p); }
};
using Context = std::unique_ptr<SSL_CTX, Freer<SSL_CTX, SSL_CTX_free>>;
using Session = std::unique_ptr<SSL, Freer<SSL, SSL_free>>;

[[noreturn]] void fail(const std::string& what) {
  char detail[256] = {0};
  ERR_error_string_n(ERR_get_error(), detail, sizeof detail);
  throw std::runtime_error("TlsTestServer: " + what + ": " + detail);
}

constexpr std::string_view kBody =
    R"({"response":{"request":{"date":"Sun, 29 Nov 2026 00:00:00 +0000","resource":"/",)"
    R"("status":{"flag":"success","code":200,"info":"ok"}},"result":{"data":{}}}})";

}  // namespace

struct TlsTestServer::Tls {
  TestCertificate identity;
  Context context;
};

TlsTestServer::TlsTestServer(const std::string& cert_dir)
    : tls_(std::make_unique<Tls>()), cert_path_(cert_dir + "/server-cert.pem") {
  tls_->identity.write_cert(cert_path_);
  tls_->context.reset(SSL_CTX_new(TLS_server_method()));
  if (!tls_->context || SSL_CTX_use_certificate(tls_->context.get(), tls_->identity.cert()) != 1 ||
      SSL_CTX_use_PrivateKey(tls_->context.get(), tls_->identity.key()) != 1) {
    fail("SSL_CTX");
  }

  const LoopbackListener listener = listen_on_loopback("TlsTestServer", 64);
  listener_ = listener.fd;
  port_ = listener.port;
  thread_ = std::thread([this] { serve(); });
}

TlsTestServer::~TlsTestServer() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  ::close(listener_);
}

std::string TlsTestServer::base_url() const { return "https://127.0.0.1:" + std::to_string(port_); }

void TlsTestServer::serve() {
  // OpenSSL writes with write(), not send(MSG_NOSIGNAL): a client that refuses the certificate
  // and hangs up would raise SIGPIPE and kill the test process. Blocked in this thread, the
  // write fails with EPIPE instead.
  sigset_t pipe;
  sigemptyset(&pipe);
  sigaddset(&pipe, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
  while (!stop_) {  // bounded by the destructor: polls the stop flag every 50 ms
    pollfd waiting{listener_, POLLIN, 0};
    if (::poll(&waiting, 1, 50) <= 0) continue;
    const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    const timeval limit{5, 0};  // a silent client cannot hold the server
    ::setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    ::setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    answer(client);
    ::close(client);
  }
}

void TlsTestServer::answer(int client) {
  Session session(SSL_new(tls_->context.get()));
  if (!session || SSL_set_fd(session.get(), client) != 1) return;
  if (SSL_accept(session.get()) != 1) {
    ERR_clear_error();  // the client refused our certificate: that is what tests look for
    return;
  }
  ++handshakes_;
  std::string request;
  char buffer[4096];
  while (request.find("\r\n\r\n") == std::string::npos && request.size() < 64 * 1024) {
    const int got = SSL_read(session.get(), buffer, sizeof buffer);
    if (got <= 0) return;
    request.append(buffer, static_cast<std::size_t>(got));
  }
  // Bodies of our requests are a few hundred bytes: read what Content-Length announces.
  const auto head_end = request.find("\r\n\r\n") + 4;
  std::size_t body_length = 0;
  if (const auto at = request.find("Content-Length: "); at != std::string::npos && at < head_end) {
    body_length = std::stoul(request.substr(at + 16));
  }
  while (request.size() - head_end < body_length && request.size() < 64 * 1024) {
    const int got = SSL_read(session.get(), buffer, sizeof buffer);
    if (got <= 0) return;
    request.append(buffer, static_cast<std::size_t>(got));
  }
  const std::string reply =
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
      "Content-Length: " +
      std::to_string(kBody.size()) + "\r\n\r\n" + std::string(kBody);
  if (SSL_write(session.get(), reply.data(), static_cast<int>(reply.size())) > 0) ++requests_;
  SSL_shutdown(session.get());
}

}  // namespace oneall::testing
