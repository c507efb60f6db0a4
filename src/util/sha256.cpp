#include "util/sha256.hpp"

#include <openssl/evp.h>

#include <array>
#include <stdexcept>

namespace oneall {

void Sha256::Free::operator()(EVP_MD* md) const { EVP_MD_free(md); }
void Sha256::Free::operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }

Sha256::Sha256() : md_(EVP_MD_fetch(nullptr, "SHA256", nullptr)), context_(EVP_MD_CTX_new()) {
  if (!md_ || !context_) throw std::runtime_error("libcrypto has no SHA-256 (or no memory)");
}

std::string Sha256::digest(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_DigestInit_ex2(context_.get(), md_.get(), nullptr) != 1 ||
      EVP_DigestUpdate(context_.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(context_.get(), digest.data(), &length) != 1) {
    throw std::runtime_error("SHA-256 failed");  // only on a broken libcrypto
  }
  return std::string(reinterpret_cast<const char*>(digest.data()), length);
}

std::string Sha256::hex(std::string_view data) {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::string bytes = digest(data);
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    hex.push_back(kHex[byte >> 4]);
    hex.push_back(kHex[byte & 0x0f]);
  }
  return hex;
}

std::string sha256_hex(std::string_view data) { return Sha256().hex(data); }

}  // namespace oneall
