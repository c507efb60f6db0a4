// The URL a request slot sends to, parsed once with libcurl's URL API and lent to the slot's
// easy handle (CURLOPT_CURLU): each request changes only the path. Given the URL as a string
// (CURLOPT_URL), libcurl parses it and formats it back for every request, about 15 % of the
// sending thread's instructions at 64 in flight (bench/README.md).
#pragma once

#include <curl/curl.h>

#include <memory>
#include <string>
#include <string_view>

#include "engine/curl_handles.hpp"
#include "util/result.hpp"

namespace oneall::engine {

class RequestUrl {
 public:
  // `api_root` as api::api_root gives it: scheme, host, port and perhaps a path prefix,
  // no query. Throws std::runtime_error if libcurl cannot parse it.
  RequestUrl(const CurlGlobal& global, const std::string& api_root);

  // Points the URL at the root's path followed by `path`. libcurl normalises nothing in a path
  // set this way, so the path must be an API path as jobs are built ("/update/…": segments of
  // letters, digits, '_', '.' and '-', never empty, "." or ".."); any other is an Error that
  // says what is wrong (not the path, which may hold any bytes), and the URL keeps the previous
  // path. A queue holds no other: import checks every id (api/ids.hpp).
  Status set_path(std::string_view path);

  CURLU* get() const { return url_.get(); }

 private:
  struct Deleter {
    void operator()(CURLU* url) const { curl_url_cleanup(url); }
  };
  std::unique_ptr<CURLU, Deleter> url_;
  std::string root_path_;  // "" or "/prefix", as libcurl normalised it
  std::string path_;       // the last path set, kept to reuse its buffer
};

}  // namespace oneall::engine
