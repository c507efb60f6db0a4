#include "engine/curl_handles.hpp"

#include <new>
#include <stdexcept>
#include <string>

namespace oneall::engine {
namespace {

// curl_global_init must run once before any handle exists, and curl_global_cleanup only when
// no handle exists anywhere in the process (it tears down the TLS library's state). A
// constructor/destructor pair per CurlGlobal would clean up when one runner finishes while
// another part of the process (a second runner, a test's HTTP client) still uses libcurl, and
// libcurl's own reference count is not thread-safe in every build. So the initialisation lives
// in a function-local static: run once, thread-safely, on first use, and undone at exit after
// every handle's owner (all of them automatic or member objects) is gone. It is not a global
// variable: nothing can reach it but this function.
void init_once() {
  struct Init {
    Init() {
      if (const CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT); code != CURLE_OK) {
        throw std::runtime_error(std::string("cannot initialise libcurl: ") +
                                 curl_easy_strerror(code));
      }
    }
    ~Init() { curl_global_cleanup(); }
    Init(const Init&) = delete;
    Init& operator=(const Init&) = delete;
  };
  static const Init init;
}

}  // namespace

CurlGlobal::CurlGlobal() { init_once(); }

CurlEasy make_easy(const CurlGlobal&) {
  CurlEasy easy(curl_easy_init());
  if (!easy) throw std::runtime_error("cannot create a libcurl easy handle (out of memory?)");
  return easy;
}

void CurlSlist::append(const char* line) {
  curl_slist* grown = curl_slist_append(list_.get(), line);
  if (grown == nullptr) throw std::bad_alloc();
  (void)list_.release();  // the old head is now part of `grown`
  list_.reset(grown);
}

CurlMulti::CurlMulti(const CurlGlobal&) : multi_(curl_multi_init()) {
  if (!multi_) throw std::runtime_error("cannot create a libcurl multi handle (out of memory?)");
}

CURLMcode CurlMulti::keep_connections(long connections) {
  return curl_multi_setopt(multi_.get(), CURLMOPT_MAXCONNECTS, connections);
}

CURLMcode CurlMulti::add(CURL* easy) { return curl_multi_add_handle(multi_.get(), easy); }

CURLMcode CurlMulti::remove(CURL* easy) { return curl_multi_remove_handle(multi_.get(), easy); }

CURLMcode CurlMulti::perform(int& still_running) {
  return curl_multi_perform(multi_.get(), &still_running);
}

CURLMcode CurlMulti::poll(int timeout_ms) {
  return curl_multi_poll(multi_.get(), nullptr, 0, timeout_ms, nullptr);
}

CURLMcode CurlMulti::wakeup() { return curl_multi_wakeup(multi_.get()); }

std::optional<CurlMulti::Done> CurlMulti::next_done() {
  int queued = 0;
  while (CURLMsg* message = curl_multi_info_read(multi_.get(), &queued)) {
    if (message->msg != CURLMSG_DONE) continue;  // the only kind libcurl defines today
    char* owner = nullptr;
    curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &owner);
    return Done{owner, message->data.result};
  }
  return std::nullopt;
}

}  // namespace oneall::engine
