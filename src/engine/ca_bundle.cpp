#include "engine/ca_bundle.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <fstream>
#include <optional>
#include <sstream>

namespace oneall::engine {
namespace {

constexpr std::string_view kPemCertificate = "-----BEGIN CERTIFICATE-----";

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(text).str();
}

}  // namespace

std::string default_ca_bundle_path() {
  const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
  if (info != nullptr && info->cainfo != nullptr && *info->cainfo != '\0') return info->cainfo;
  return "/etc/ssl/certs/ca-certificates.crt";
}

Result<std::string> ca_bundle_with(const std::string& cacert_path) {
  auto extra = read_file(cacert_path);
  if (!extra) {
    return Error{fmt::format("--cacert {}: cannot read the file", cacert_path)};
  }
  if (extra->find(kPemCertificate) == std::string::npos) {
    return Error{fmt::format("--cacert {}: no PEM certificate in it (expected a line '{}')",
                             cacert_path, kPemCertificate)};
  }
  // A missing system bundle leaves only the user's CA: still verified, just narrower.
  std::string bundle = read_file(default_ca_bundle_path()).value_or(std::string());
  if (!bundle.empty() && bundle.back() != '\n') bundle += '\n';
  bundle += *extra;
  return bundle;
}

}  // namespace oneall::engine
