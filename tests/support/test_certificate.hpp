// A throw-away TLS identity for test servers: a fresh P-256 key and a self-signed CA certificate
// for IP 127.0.0.1, made at test time (valid from an hour ago for a day, so no checked-in
// certificate can expire under the suite). Both TlsTestServer (OpenSSL in-process) and
// NginxHttp2Server (a child nginx, which reads PEM files) serve it; clients trust it as the CA.
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

namespace oneall::testing {

class TestCertificate {
 public:
  // Throws std::runtime_error with OpenSSL's reason when the key or certificate cannot be made.
  TestCertificate();

  EVP_PKEY* key() const { return key_.get(); }
  X509* cert() const { return cert_.get(); }
  // PEM files; throw std::runtime_error naming `path` when it cannot be written.
  void write_cert(const std::string& path) const;
  void write_key(const std::string& path) const;  // unencrypted, mode 0600

 private:
  struct FreeKey {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
  };
  struct FreeCert {
    void operator()(X509* cert) const { X509_free(cert); }
  };
  std::unique_ptr<EVP_PKEY, FreeKey> key_;
  std::unique_ptr<X509, FreeCert> cert_;
};

}  // namespace oneall::testing
