// RAII owners for libcurl's handles (after cpr): nothing else in the program holds a raw CURL*,
// CURLM* or curl_slist*. CurlGlobal performs curl_global_init once per process.
#pragma once

#include <curl/curl.h>

#include <memory>
#include <string>

namespace oneall::engine {

// Call before creating any handle; safe to call many times.
void ensure_curl_global_init();

struct CurlEasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct CurlMultiDeleter {
  void operator()(CURLM* multi) const { curl_multi_cleanup(multi); }
};
struct CurlSlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;
using CurlMulti = std::unique_ptr<CURLM, CurlMultiDeleter>;

// A header list that can only grow; freed with its owner.
class CurlSlist {
 public:
  void append(const char* line);
  void clear() { list_.reset(); }
  curl_slist* get() const { return list_.get(); }

 private:
  std::unique_ptr<curl_slist, CurlSlistDeleter> list_;
};

CurlEasy make_easy();
CurlMulti make_multi();

}  // namespace oneall::engine
