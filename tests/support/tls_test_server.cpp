#include "support/tls_test_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <stdexcept>
#include <string_view>

#include "support/loopback_listener.hpp"

namespace oneall::testing {
namespace {

template <class T, void (*Free)(T*)>
struct Freer {
  void operator()(T* p) const { Free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Freer<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Freer<X509, X509_free>>;
using Context = std::unique_ptr<SSL_CTX, Freer<SSL_CTX, SSL_CTX_free>>;
using Session = std::unique_ptr<SSL, Freer<SSL, SSL_free>>;
using Extension = std::unique_ptr<X509_EXTENSION, Freer<X509_EXTENSION, X509_EXTENSION_free>>;
using FileBio = std::unique_ptr<BIO, Freer<BIO, BIO_free_all>>;

[[noreturn]] void fail(const std::string& what) {
  char detail[256] = {0};
  ERR_error_string_n(ERR_get_error(), detail, sizeof detail);
  throw std::runtime_error("TlsTestServer: " + what + ": " + detail);
}

void add_extension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  Extension ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) fail("certificate extension");
}

Cert self_signed(EVP_PKEY* key) {
  Cert cert(X509_new());
  if (!cert) fail("X509_new");
  X509_set_version(cert.get(), 2);  // v3, for the extensions
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("oneall-bulk test CA"), -1, -1,
                             0);
  X509_set_issuer_name(cert.get(), name);
  add_extension(cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_extension(cert.get(), NID_key_usage, "critical,digitalSignature,keyCertSign");
  add_extension(cert.get(), NID_subject_alt_name, "IP:127.0.0.1");
  if (X509_sign(cert.get(), key, EVP_sha256()) == 0) fail("X509_sign");
  return cert;
}

constexpr std::string_view kBody =
    R"({"response":{"request":{"date":"Sun, 29 Nov 2026 00:00:00 +0000","resource":"/",)"
    R"("status":{"flag":"success","code":200,"info":"ok"}},"result":{"data":{}}}})";

}  // namespace

struct TlsTestServer::Tls {
  Key key;
  Cert cert;
  Context context;
};

TlsTestServer::TlsTestServer(const std::string& cert_dir)
    : tls_(std::make_unique<Tls>()), cert_path_(cert_dir + "/server-cert.pem") {
  tls_->key.reset(EVP_EC_gen("P-256"));
  if (!tls_->key) fail("EVP_EC_gen");
  tls_->cert = self_signed(tls_->key.get());
  {
    FileBio out(BIO_new_file(cert_path_.c_str(), "w"));
    if (!out || PEM_write_bio_X509(out.get(), tls_->cert.get()) != 1) fail("write " + cert_path_);
  }
  tls_->context.reset(SSL_CTX_new(TLS_server_method()));
  if (!tls_->context || SSL_CTX_use_certificate(tls_->context.get(), tls_->cert.get()) != 1 ||
      SSL_CTX_use_PrivateKey(tls_->context.get(), tls_->key.get()) != 1) {
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
