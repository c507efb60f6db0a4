#include "cli/check_verdict.hpp"

#include <fmt/format.h>

#include "cli/exit_codes.hpp"
#include "engine/retry_policy.hpp"

namespace oneall::cli {

CheckVerdict check_verdict(const engine::PingAnswer& answer, const std::string& api_root,
                           const std::string& subdomain) {
  const std::string url = api_root + "/tools/ping.json";
  using engine::TransportFailure;
  switch (engine::transport_failure(answer.result)) {
    case TransportFailure::kNone:
      break;
    case TransportFailure::kTls:
      return {kExitStoppedEarly, "tls",
              fmt::format("TLS failure: {} did not prove who it is ({}).\nIf its certificate "
                          "comes from your own CA, trust that CA with --cacert FILE.",
                          api_root, answer.transport_error)};
    case TransportFailure::kConnect:
    case TransportFailure::kTimeout:
    case TransportFailure::kConnectionLost:
      return {kExitStoppedEarly, "unreachable",
              fmt::format("unreachable: GET {} got no answer ({}).\nCheck --endpoint, the "
                          "subdomain and the network.",
                          url, answer.transport_error)};
    case TransportFailure::kLocal:
      return {kExitStoppedEarly, "other",
              fmt::format("GET {} could not be sent: {}", url, answer.transport_error)};
  }
  const int status = answer.http_status;
  if (status == 200) {
    return {
        kExitOk, "ok",
        fmt::format("ok: {} answered 200: endpoint, subdomain '{}' and keys work", url, subdomain)};
  }
  if (status == 401) {
    return {kExitStoppedEarly, "wrong_keys",
            fmt::format("wrong keys: {} answered 401: the public/private key pair is not "
                        "accepted for subdomain '{}'.\nCheck ONEALL_PUBLIC_KEY and "
                        "ONEALL_PRIVATE_KEY (or public_key and private_key in the credentials "
                        "file) against the site's API keys in the OneAll dashboard.",
                        url, subdomain)};
  }
  if (status == 403) {
    return {kExitStoppedEarly, "forbidden",
            fmt::format("forbidden: {} answered 403: the keys are known but may not use this "
                        "API (check the site's API permissions in the OneAll dashboard)",
                        url)};
  }
  if (status == 404) {
    return {kExitStoppedEarly, "not_found",
            fmt::format("not found: {} answered 404: the subdomain '{}' or the --endpoint is "
                        "wrong",
                        url, subdomain)};
  }
  return {kExitStoppedEarly, "other",
          fmt::format("unexpected answer: {} answered HTTP {}", url, status)};
}

}  // namespace oneall::cli
