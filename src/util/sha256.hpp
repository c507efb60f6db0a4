// SHA-256 of a byte string, as lowercase hex, backed by OpenSSL's libcrypto. Used for job keys
// (idempotent import) and the audit hash chain.
#pragma once

#include <openssl/types.h>

#include <memory>
#include <string>
#include <string_view>

namespace oneall {

// Keeps libcrypto's SHA-256 implementation and a digest context from one digest to the next.
// EVP_Digest(…, EVP_sha256(), …) looks the implementation up in the provider for every digest
// and allocates a context: for the writer, hashing an attempt row, that cost as much again as
// the hashing itself (bench/README.md).
class Sha256 {
 public:
  Sha256();  // throws std::runtime_error when libcrypto has no SHA-256
  std::string hex(std::string_view data);
  std::string digest(std::string_view data);  // the 32 bytes themselves

 private:
  struct Free {
    void operator()(EVP_MD* md) const;
    void operator()(EVP_MD_CTX* context) const;
  };
  std::unique_ptr<EVP_MD, Free> md_;
  std::unique_ptr<EVP_MD_CTX, Free> context_;
};

// One digest, with a Sha256 of its own.
std::string sha256_hex(std::string_view data);

}  // namespace oneall
