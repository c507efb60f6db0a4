#include "api/credentials.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <utility>
#include <vector>

#include "api/credentials_file.hpp"
#include "api/ids.hpp"

namespace oneall::api {
namespace {

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

bool is_subdomain(std::string_view name) {
  if (name.empty() || name.size() > 63 || name.front() == '-' || name.back() == '-') return false;
  for (char c : name) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Credentials sandbox_credentials() {
  return {"sandbox", "sandbox-public-key", "sandbox-private-key"};
}

Result<Credentials> configured_credentials(const std::optional<std::string>& config_flag) {
  std::optional<std::string> path = config_flag;
  std::string found_as;  // how a file nobody named was found, for its errors
  if (!path) {
    if (const char* env = std::getenv("ONEALL_BULK_CONFIG"); env != nullptr && *env != '\0') {
      path = env;
    }
  }
  // Files looked for when none is named: each is used only if it exists.
  const std::pair<std::optional<std::string>, const char*> unnamed[] = {
      {systemd_credentials_path(), "the systemd credential in $CREDENTIALS_DIRECTORY"},
      {default_credentials_path(), "the default credentials file"}};
  for (const auto& [candidate, what] : unnamed) {
    if (path) break;
    std::error_code ignored;
    if (candidate && std::filesystem::exists(*candidate, ignored)) {
      path = candidate;
      found_as = what;
    }
  }
  CredentialFields from_file;
  if (path) {
    auto read = read_credentials_file(*path);
    if (!read) {
      return Error{found_as.empty() ? read.error().message
                                    : read.error().message + " (" + found_as + ")"};
    }
    from_file = *read;
  }
  const auto pick = [](const char* variable, const std::optional<std::string>& fallback) {
    std::string value = env_or_empty(variable);
    return value.empty() ? fallback.value_or(std::string()) : value;
  };
  Credentials credentials{pick("ONEALL_SUBDOMAIN", from_file.subdomain),
                          pick("ONEALL_PUBLIC_KEY", from_file.public_key),
                          pick("ONEALL_PRIVATE_KEY", from_file.private_key)};
  std::vector<std::string> missing;
  if (credentials.subdomain.empty()) missing.emplace_back("ONEALL_SUBDOMAIN / subdomain");
  if (credentials.public_key.empty()) missing.emplace_back("ONEALL_PUBLIC_KEY / public_key");
  if (credentials.private_key.empty()) missing.emplace_back("ONEALL_PRIVATE_KEY / private_key");
  if (!missing.empty()) {
    return Error{fmt::format(
        "missing credentials: {} (the site's subdomain and API keys from the OneAll dashboard, "
        "in the environment or in {}), or use --sandbox to rehearse against the built-in "
        "emulator",
        fmt::join(missing, ", "),
        path ? *path
             : std::string("a credentials file (--config FILE, $ONEALL_BULK_CONFIG or ") +
                   default_credentials_path().value_or("~/.config/oneall-bulk/credentials") + ")")};
  }
  return credentials;
}

bool is_loopback_host(std::string_view host) {
  if (host == "localhost" || host == "::1" || host == "[::1]") return true;
  if (!host.starts_with("127.")) return false;
  // 127.a.b.c with decimal parts only: "127.evil.com" is a host name, not loopback.
  int dots = 0;
  for (char c : host) {
    if (c == '.') {
      ++dots;
    } else if (c < '0' || c > '9') {
      return false;
    }
  }
  return dots == 3;
}

Result<std::string> api_root(const Credentials& credentials,
                             const std::optional<std::string>& endpoint_override) {
  if (!endpoint_override) {
    if (!is_subdomain(credentials.subdomain)) {
      return Error{fmt::format("subdomain '{}' is not a valid host label (letters, digits, '-')",
                               credentials.subdomain)};
    }
    return fmt::format("https://{}.api.oneall.com", credentials.subdomain);
  }
  std::string url = *endpoint_override;
  while (!url.empty() && url.back() == '/') url.pop_back();

  bool https = false;
  std::string_view rest;
  if (url.starts_with("https://")) {
    https = true;
    rest = std::string_view(url).substr(8);
  } else if (url.starts_with("http://")) {
    rest = std::string_view(url).substr(7);
  } else {
    return Error{
        fmt::format("--endpoint '{}' must start with https:// (or http:// on loopback)", url)};
  }
  const std::string_view authority = rest.substr(0, rest.find('/'));
  if (authority.find('@') != std::string_view::npos) {
    return Error{
        "--endpoint must not carry credentials; use ONEALL_PUBLIC_KEY and "
        "ONEALL_PRIVATE_KEY"};
  }
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return Error{"--endpoint must not have a query or fragment"};
  }
  std::string_view host = authority;
  if (host.starts_with("[")) {
    host = host.substr(0, host.find(']') + 1);
  } else {
    host = host.substr(0, host.find(':'));
  }
  if (host.empty()) return Error{fmt::format("--endpoint '{}' has no host", url)};
  if (!https && !is_loopback_host(host)) {
    return Error{fmt::format(
        "refusing plain http:// to {}: credentials would cross the network unencrypted; use "
        "https:// (http:// is allowed only for loopback hosts)",
        host)};
  }
  return url;
}

}  // namespace oneall::api
