// RAII owners for libcurl's handles (after cpr and SQLiteCpp): nothing else in the program holds
// a raw CURL*, CURLM* or curl_slist* beyond a call. CurlGlobal is the proof that libcurl was
// initialised: every handle is made from one, so no handle can exist before curl_global_init.
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <memory>
#include <optional>

#include "util/file_descriptor.hpp"

namespace oneall::engine {

// Holding a CurlGlobal means curl_global_init has run in this process. Copies are cheap tokens;
// the initialisation itself happens once per process (see curl_handles.cpp for why it is never
// undone while the process runs). Throws std::runtime_error if libcurl cannot initialise.
class CurlGlobal {
 public:
  CurlGlobal();
};

struct CurlEasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;

// A fresh easy handle; throws std::runtime_error if libcurl has no memory for one.
CurlEasy make_easy(const CurlGlobal& global);

// A header list that can only grow (or be emptied); freed with its owner.
class CurlSlist {
 public:
  void append(const char* line);  // throws std::bad_alloc when libcurl cannot grow the list
  void clear() { list_.reset(); }
  curl_slist* get() const { return list_.get(); }

 private:
  struct Deleter {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
  };
  std::unique_ptr<curl_slist, Deleter> list_;
};

// The multi handle: the event loop's engine and the owner of the connection cache that lets
// easy handles reuse connections. Easy handles are lent to it between add() and remove(); their
// owners must remove them before they die (InFlightRequest::detach sees to it).
//
// Driven by socket events (curl_multi_socket_action over an epoll set of the sockets libcurl
// asks to watch, and libcurl's one timer), not curl_multi_perform: perform() checks every
// transfer in flight with a poll() system call of its own on each call, which at 64 in flight
// cost the sending loop more than the transfers that had anything to do.
class CurlMulti {
 public:
  explicit CurlMulti(const CurlGlobal& global);  // throws std::runtime_error on failure
  CurlMulti(const CurlMulti&) = delete;
  CurlMulti& operator=(const CurlMulti&) = delete;

  // Connections kept open for reuse once their transfer is done. libcurl's default is 4 per
  // easy handle *currently added*, which falls to nothing while finished requests wait for
  // their commit off the multi handle: it would close connections the next requests need.
  CURLMcode keep_connections(long connections);

  CURLMcode add(CURL* easy);
  CURLMcode remove(CURL* easy);
  // Moves along the transfers whose sockets are ready or whose timer is due; never waits.
  CURLMcode perform(int& still_running);
  // Waits for socket activity, libcurl's own timer, a wakeup(), or `timeout_ms`, whichever
  // comes first, and moves along the transfers concerned. Waits even when nothing is running.
  CURLMcode poll(int timeout_ms);
  // Makes a poll() in progress (or the next one) return at once. The one member that may be
  // called from another thread.
  CURLMcode wakeup();

  // A finished transfer: the owner its easy handle names in CURLOPT_PRIVATE, and its result.
  struct Done {
    void* owner = nullptr;
    CURLcode result = CURLE_OK;
  };
  std::optional<Done> next_done();

 private:
  static int on_socket(CURL* easy, curl_socket_t socket, int what, void* self, void* in_set);
  static int on_timer(CURLM* multi, long timeout_ms, void* self);
  CURLMcode wait_and_act(int timeout_ms);

  struct Deleter {
    void operator()(CURLM* multi) const { curl_multi_cleanup(multi); }
  };
  // Declared before multi_, so they outlive it: curl_multi_cleanup calls on_socket.
  FileDescriptor events_;  // epoll set: the sockets libcurl watches, and wake_
  FileDescriptor wake_;    // eventfd written by wakeup()
  std::optional<std::chrono::steady_clock::time_point> timer_due_;  // libcurl's timer
  int running_ = 0;
  std::unique_ptr<CURLM, Deleter> multi_;
};

}  // namespace oneall::engine
