#include "engine/request_url.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "api/ids.hpp"

namespace oneall::engine {
namespace {

// Why `path` is not an API path, or nullopt when it is.
std::optional<std::string> check_api_path(std::string_view path) {
  if (!path.starts_with('/')) return "does not start with '/'";
  std::string_view rest = path.substr(1);
  while (true) {
    const std::size_t end = rest.find('/');
    if (auto wrong = api::check_resource_id(rest.substr(0, end))) {
      return fmt::format("has a segment that {}", *wrong);
    }
    if (end == std::string_view::npos) return std::nullopt;
    rest.remove_prefix(end + 1);
  }
}

}  // namespace

RequestUrl::RequestUrl(const CurlGlobal&, const std::string& api_root) : url_(curl_url()) {
  if (!url_) throw std::runtime_error("cannot create a libcurl URL handle (out of memory?)");
  if (CURLUcode code = curl_url_set(url_.get(), CURLUPART_URL, api_root.c_str(), 0);
      code != CURLUE_OK) {
    throw std::runtime_error(
        fmt::format("libcurl cannot parse the API root '{}': {}", api_root, curl_url_strerror(code)));
  }
  char* root_path = nullptr;
  if (curl_url_get(url_.get(), CURLUPART_PATH, &root_path, 0) == CURLUE_OK) {
    root_path_ = root_path;
    curl_free(root_path);
  }
  while (!root_path_.empty() && root_path_.back() == '/') root_path_.pop_back();
}

Status RequestUrl::set_path(std::string_view path) {
  if (auto wrong = check_api_path(path)) {
    return Error{fmt::format("refusing to send to path '{}': it {}", path, *wrong)};
  }
  path_.assign(root_path_).append(path);
  if (CURLUcode code = curl_url_set(url_.get(), CURLUPART_PATH, path_.c_str(), 0);
      code != CURLUE_OK) {
    return Error{fmt::format("libcurl refused path '{}': {}", path, curl_url_strerror(code))};
  }
  return Ok{};
}

}  // namespace oneall::engine
