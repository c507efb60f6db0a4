// A minimal HTTPS server on an ephemeral 127.0.0.1 port for TLS tests, on OpenSSL directly,
// serving a TestCertificate made when the server starts.
// Every request is answered 200 with a OneAll-style success envelope and the connection closed.
// It counts handshakes that completed and requests answered, so a test can tell "refused before
// anything was sent" from "sent".
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>

namespace oneall::testing {

class TlsTestServer {
 public:
  // Writes the certificate (PEM) to `cert_dir`/server-cert.pem. Throws std::runtime_error when
  // a key, certificate or socket cannot be made.
  explicit TlsTestServer(const std::string& cert_dir);
  ~TlsTestServer();
  TlsTestServer(const TlsTestServer&) = delete;
  TlsTestServer& operator=(const TlsTestServer&) = delete;

  int port() const { return port_; }
  std::string base_url() const;  // "https://127.0.0.1:PORT"
  const std::string& cert_path() const { return cert_path_; }
  int handshakes() const { return handshakes_.load(); }  // TLS sessions established
  int requests() const { return requests_.load(); }      // requests answered

 private:
  void serve();
  void answer(int client);

  struct Tls;  // OpenSSL's context, key and certificate
  std::unique_ptr<Tls> tls_;
  std::string cert_path_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> handshakes_{0};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

}  // namespace oneall::testing
