#include "cli/identity_option.hpp"

#include "api/ids.hpp"

namespace oneall::cli {

CLI::Option* add_identity_option(CLI::App& sub, std::string& identity) {
  return sub
      .add_option("--identity", identity,
                  "Identity token (a UUID) for CSV rows that have no identity of their own")
      ->check(CLI::Validator(
          [](std::string& token) { return api::check_identity(token).value_or(std::string()); },
          "UUID"));
}

}  // namespace oneall::cli
