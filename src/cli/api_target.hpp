// Where requests go and as whom, for `run` and `check`: --config (the credentials file),
// --endpoint (the API root) and --cacert (a CA trusted as well as the system's). Resolving them
// is where a leaking credentials file, a plain-http endpoint off loopback or an unreadable CA
// file is refused (exit 2) before anything is sent.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <ostream>
#include <string>

#include "engine/run_options.hpp"

namespace oneall::cli {

class ApiTarget {
 public:
  // Registers --config, --endpoint and --cacert on `sub`.
  void add_options(CLI::App& sub);
  CLI::Option* endpoint_option() const { return endpoint_option_; }

  // Credentials (environment over config file) and the API root into `options`; the
  // reason on `err` and false when they cannot be used.
  bool use_configured_api(engine::RunOptions& options, std::ostream& err) const;
  // --endpoint alone, for a dry run, which needs no credentials: false with the reason on `err`
  // when it would be refused (so a rehearsal refuses what the real run would).
  bool endpoint_usable(std::ostream& err) const;
  // --cacert's bundle into `options` (nothing without --cacert); false with the reason on `err`.
  bool use_cacert(engine::RunOptions& options, std::ostream& err) const;

 private:
  std::optional<std::string> config_;
  std::optional<std::string> endpoint_;
  std::optional<std::string> cacert_;
  CLI::Option* endpoint_option_ = nullptr;
};

}  // namespace oneall::cli
