// The credentials config file (docs/formats.md#the-credentials-file): `key = value`
// lines for subdomain, public_key and private_key, `#` comments and blank lines, parsed strictly
// with file:line errors. A file that holds a private key must be readable by its owner only.
// No message here ever holds a value: keys are named, never shown.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace oneall::api {

// What one source (the file, or the environment) gives; a field it does not set is nullopt.
struct CredentialFields {
  std::optional<std::string> subdomain;
  std::optional<std::string> public_key;
  std::optional<std::string> private_key;
};

// Parses the file's text; `path` only names the file in errors. All problems are listed.
Result<CredentialFields> parse_credentials_file(std::string_view text, const std::string& path);

// Reads and parses `path`. Refuses a file holding private_key that its group or others may
// access (any of mode 077), naming the mode and the `chmod 600` that fixes it.
Result<CredentialFields> read_credentials_file(const std::string& path);

// The name of the credential a systemd unit passes with `LoadCredential=credentials:FILE`.
inline constexpr const char* kSystemdCredentialName = "credentials";

// $CREDENTIALS_DIRECTORY/credentials, where systemd puts the file the unit's LoadCredential=
// names (readable by the service's user only); nullopt when $CREDENTIALS_DIRECTORY is not set
// to an absolute path.
std::optional<std::string> systemd_credentials_path();

// $XDG_CONFIG_HOME/oneall-bulk/credentials, else $HOME/.config/oneall-bulk/credentials;
// nullopt when neither variable is set.
std::optional<std::string> default_credentials_path();

}  // namespace oneall::api
