// A blocking HTTP client for tests, on libcurl's easy interface: one request, its status,
// headers and body. (cpp-httplib's client is not used: Debian's library is built with OpenSSL
// support, which changes the client classes' layout.)
#pragma once

#include <optional>
#include <string>

namespace oneall::testing {

struct HttpReply {
  long status = 0;  // 0: no answer
  std::string body;
  std::string headers;  // raw header block
  std::string error;    // curl's message when there was no answer
};

struct BasicAuth {
  std::string user;
  std::string password;
};

HttpReply http_request(const std::string& method, const std::string& url,
                       const std::string& body = "",
                       const std::optional<BasicAuth>& auth = std::nullopt);

}  // namespace oneall::testing
