#include "engine/request_url.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <stdexcept>

#include "api/ids.hpp"

namespace oneall::engine {
namespace {

// What is wrong with `path` as an API path, or nullopt when nothing is. The ids' length limit is
// not checked here: a segment may be an id with ".json" after it.
std::optional<std::string_view> check_api_path(std::string_view path) {
  if (!path.starts_with('/')) return "it does not start with '/'";
  std::string_view rest = path.substr(1);
  while (true) {
    const std::string_view segment = rest.substr(0, rest.find('/'));
    if (segment.empty()) return "it has an empty segment";
    if (segment == "." || segment == "..") return "it has a '.' or '..' segment";
    if (!std::all_of(segment.begin(), segment.end(), api::is_id_char)) {
      return "it holds a character other than letters, digits, '_', '.', '-' and '/'";
    }
    if (segment.size() == rest.size()) return std::nullopt;
    rest.remove_prefix(segment.size() + 1);
  }
}

}  // namespace

RequestUrl::RequestUrl(const CurlGlobal&, const std::string& api_root) : url_(curl_url()) {
  if (!url_) throw std::runtime_error("cannot create a libcurl URL handle (out of memory?)");
  if (CURLUcode code = curl_url_set(url_.get(), CURLUPART_URL, api_root.c_str(), 0);
      code != CURLUE_OK) {
    throw std::runtime_error(fmt::format("libcurl cannot parse the API root '{}': {}", api_root,
                                         curl_url_strerror(code)));
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
    return Error{fmt::format("refusing to send to its path: {}", *wrong)};
  }
  path_.assign(root_path_).append(path);
  if (CURLUcode code = curl_url_set(url_.get(), CURLUPART_PATH, path_.c_str(), 0);
      code != CURLUE_OK) {
    return Error{fmt::format("libcurl refused its path: {}", curl_url_strerror(code))};
  }
  return Ok{};
}

}  // namespace oneall::engine
