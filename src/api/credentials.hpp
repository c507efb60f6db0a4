// Credentials and the API root (docs/cli.md#credentials). They are only ever handed to libcurl;
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

// The sandbox's defaults (docs/cli.md#the-sandbox), used by `run --sandbox`.
Credentials sandbox_credentials();

// The credentials a command uses: each field from its environment variable when that is set
// and not empty, else from the config file (credentials_file.hpp). The file is `config_flag`
// (--config), else $ONEALL_BULK_CONFIG, else systemd_credentials_path() if it exists (a unit's
// LoadCredential=), else default_credentials_path() if it exists. A file
// named explicitly must exist; a file that is refused (bad line, readable by others) is an
// error even when the environment sets every field, so a leaking file is never ignored.
Result<Credentials> configured_credentials(const std::optional<std::string>& config_flag);

// The API root without a trailing slash. `https://{subdomain}.api.oneall.com` by default;
// an override must be http(s), and plain http only on a loopback host.
Result<std::string> api_root(const Credentials& credentials,
                             const std::optional<std::string>& endpoint_override);

// True for 127.0.0.0/8, ::1 and localhost.
bool is_loopback_host(std::string_view host);

}  // namespace oneall::api
