// What `check` says of one ping (docs/cli.md#check): whether endpoint, subdomain and keys work, in
// plain words, and the exit code (0 when they do, 4 otherwise). Pure, so every case is a unit
// test without a server.
#pragma once

#include <string>

#include "engine/ping.hpp"

namespace oneall::cli {

struct CheckVerdict {
  int exit_code = 0;
  std::string
      reason;  // "ok", "unreachable", "tls", "wrong_keys", "forbidden", "not_found", "other"
  std::string message;  // one or two lines for the user; never a key
};

CheckVerdict check_verdict(const engine::PingAnswer& answer, const std::string& api_root,
                           const std::string& subdomain);

}  // namespace oneall::cli
