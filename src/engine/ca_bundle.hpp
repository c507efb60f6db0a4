// `--cacert FILE` means "trust this CA as well" (docs/cli.md#run). libcurl's CURLOPT_CAINFO and
// CURLOPT_CAINFO_BLOB each replace the default bundle, so a run builds one PEM blob, once: the
// system bundle libcurl would have used, then the user's file. TLS is verified either way;
// nothing in the program turns verification off.
#pragma once

#include <string>

#include "util/result.hpp"

namespace oneall::engine {

// The default bundle's path: libcurl's built-in CAINFO, else Debian's
// /etc/ssl/certs/ca-certificates.crt.
std::string default_ca_bundle_path();

// The default bundle (if readable) followed by `cacert_path`, which must hold at least one
// PEM certificate. An Error names the file and what is wrong with it.
Result<std::string> ca_bundle_with(const std::string& cacert_path);

}  // namespace oneall::engine
