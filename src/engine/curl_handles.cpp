#include "engine/curl_handles.hpp"

#include <stdexcept>

namespace oneall::engine {

void ensure_curl_global_init() {
  // A function-local static rather than a global: initialised once, thread-safely, on first
  // use, and cleaned up at exit after every handle (all owned by objects that died earlier).
  struct Init {
    Init() {
      if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        throw std::runtime_error("curl_global_init failed");
      }
    }
    ~Init() { curl_global_cleanup(); }
  };
  static const Init init;
}

void CurlSlist::append(const char* line) {
  curl_slist* grown = curl_slist_append(list_.get(), line);
  if (grown == nullptr) throw std::bad_alloc();
  list_.release();  // now part of `grown`
  list_.reset(grown);
}

CurlEasy make_easy() {
  ensure_curl_global_init();
  CurlEasy easy(curl_easy_init());
  if (!easy) throw std::runtime_error("curl_easy_init failed");
  return easy;
}

CurlMulti make_multi() {
  ensure_curl_global_init();
  CurlMulti multi(curl_multi_init());
  if (!multi) throw std::runtime_error("curl_multi_init failed");
  return multi;
}

}  // namespace oneall::engine
