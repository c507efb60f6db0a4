// Site credentials and the API root (SPEC §1). Credentials are only ever handed to libcurl;
// they have no operator<< and appear in no message.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace oneall::api {

struct Credentials {
  std::string subdomain;
  std::string public_key;
  std::string private_key;
};

// The sandbox's defaults (SPEC §7), used by `run --sandbox`.
Credentials sandbox_credentials();

// From ONEALL_SUBDOMAIN, ONEALL_PUBLIC_KEY, ONEALL_PRIVATE_KEY; an Error names what is missing.
Result<Credentials> credentials_from_env();

// The API root without a trailing slash. `https://{subdomain}.api.oneall.com` by default;
// an override must be http(s), and plain http only on a loopback host.
Result<std::string> api_root(const Credentials& credentials,
                             const std::optional<std::string>& endpoint_override);

// True for 127.0.0.0/8, ::1 and localhost.
bool is_loopback_host(std::string_view host);

}  // namespace oneall::api
