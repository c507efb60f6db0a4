#include "cli/api_target.hpp"

#include "api/credentials.hpp"
#include "engine/ca_bundle.hpp"

namespace oneall::cli {

void ApiTarget::add_options(CLI::App& sub) {
  sub.add_option("--config", config_,
                 "Credentials file (`key = value` lines: subdomain, public_key, private_key; "
                 "mode 600). Default $ONEALL_BULK_CONFIG, else $CREDENTIALS_DIRECTORY/credentials "
                 "(systemd's LoadCredential=) or "
                 "$XDG_CONFIG_HOME/oneall-bulk/credentials or ~/.config/oneall-bulk/credentials "
                 "if it exists. ONEALL_* variables override its fields");
  endpoint_option_ = sub.add_option("--endpoint", endpoint_,
                                    "API root URL (default https://{subdomain}.api.oneall.com); "
                                    "http:// only for loopback");
  sub.add_option("--cacert", cacert_,
                 "Also trust this CA (PEM file) for the API's TLS; the system's CAs stay trusted "
                 "and TLS is always verified");
}

bool ApiTarget::use_configured_api(engine::RunOptions& options, std::ostream& err) const {
  auto credentials = api::configured_credentials(config_);
  if (!credentials) {
    err << credentials.error().message << '\n';
    return false;
  }
  options.credentials = *credentials;
  auto root = api::api_root(options.credentials, endpoint_);
  if (!root) {
    err << root.error().message << '\n';
    return false;
  }
  options.api_root = *root;
  return true;
}

bool ApiTarget::endpoint_usable(std::ostream& err) const {
  if (!endpoint_) return true;
  auto root = api::api_root(api::Credentials{}, endpoint_);
  if (!root) err << root.error().message << '\n';
  return root.ok();
}

bool ApiTarget::use_cacert(engine::RunOptions& options, std::ostream& err) const {
  if (!cacert_) return true;
  auto bundle = engine::ca_bundle_with(*cacert_);
  if (!bundle) {
    err << bundle.error().message << '\n';
    return false;
  }
  options.ca_bundle = std::move(*bundle);
  return true;
}

}  // namespace oneall::cli
