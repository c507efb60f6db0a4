#include "support/test_certificate.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <stdexcept>

namespace oneall::testing {
namespace {

using Extension = std::unique_ptr<X509_EXTENSION, decltype(&X509_EXTENSION_free)>;
using FileBio = std::unique_ptr<BIO, decltype(&BIO_free_all)>;

[[noreturn]] void fail(const std::string& what) {
  char detail[256] = {0};
  ERR_error_string_n(ERR_get_error(), detail, sizeof detail);
  throw std::runtime_error("TestCertificate: " + what + ": " + detail);
}

void add_extension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  Extension ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value), X509_EXTENSION_free);
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) fail("certificate extension");
}

FileBio open_for_writing(const std::string& path) {
  FileBio out(BIO_new_file(path.c_str(), "w"), BIO_free_all);
  if (!out) fail("write " + path);
  return out;
}

}  // namespace

TestCertificate::TestCertificate() : key_(EVP_EC_gen("P-256")), cert_(X509_new()) {
  if (!key_) fail("EVP_EC_gen");
  if (!cert_) fail("X509_new");
  X509* cert = cert_.get();
  X509_set_version(cert, 2);  // v3, for the extensions
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
  X509_set_pubkey(cert, key_.get());
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("oneall-bulk test CA"), -1, -1,
                             0);
  X509_set_issuer_name(cert, name);
  add_extension(cert, NID_basic_constraints, "critical,CA:TRUE");
  add_extension(cert, NID_key_usage, "critical,digitalSignature,keyCertSign");
  add_extension(cert, NID_subject_alt_name, "IP:127.0.0.1");
  if (X509_sign(cert, key_.get(), EVP_sha256()) == 0) fail("X509_sign");
}

void TestCertificate::write_cert(const std::string& path) const {
  if (PEM_write_bio_X509(open_for_writing(path).get(), cert_.get()) != 1) fail("write " + path);
}

void TestCertificate::write_key(const std::string& path) const {
  FileBio out = open_for_writing(path);
  ::chmod(path.c_str(), 0600);
  if (PEM_write_bio_PrivateKey(out.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    fail("write " + path);
  }
}

}  // namespace oneall::testing
