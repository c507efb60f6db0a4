#include "engine/curl_handles.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
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

CurlMulti::CurlMulti(const CurlGlobal&)
    : events_(epoll_create1(EPOLL_CLOEXEC)),
      wake_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)),
      multi_(curl_multi_init()) {
  if (events_.get() < 0 || wake_.get() < 0) {
    throw std::runtime_error(std::string("cannot create the event loop's epoll set or eventfd: ") +
                             std::strerror(errno));
  }
  epoll_event watch{};
  watch.events = EPOLLIN;
  watch.data.fd = wake_.get();
  if (epoll_ctl(events_.get(), EPOLL_CTL_ADD, wake_.get(), &watch) != 0) {
    throw std::runtime_error(std::string("cannot watch the event loop's eventfd: ") +
                             std::strerror(errno));
  }
  if (!multi_) throw std::runtime_error("cannot create a libcurl multi handle (out of memory?)");
  if (curl_multi_setopt(multi_.get(), CURLMOPT_SOCKETFUNCTION, &CurlMulti::on_socket) != CURLM_OK ||
      curl_multi_setopt(multi_.get(), CURLMOPT_SOCKETDATA, this) != CURLM_OK ||
      curl_multi_setopt(multi_.get(), CURLMOPT_TIMERFUNCTION, &CurlMulti::on_timer) != CURLM_OK ||
      curl_multi_setopt(multi_.get(), CURLMOPT_TIMERDATA, this) != CURLM_OK) {
    throw std::runtime_error("this libcurl cannot drive transfers by socket events");
  }
}

CURLMcode CurlMulti::keep_connections(long connections) {
  return curl_multi_setopt(multi_.get(), CURLMOPT_MAXCONNECTS, connections);
}

CURLMcode CurlMulti::add(CURL* easy) { return curl_multi_add_handle(multi_.get(), easy); }

CURLMcode CurlMulti::remove(CURL* easy) { return curl_multi_remove_handle(multi_.get(), easy); }

CURLMcode CurlMulti::perform(int& still_running) {
  const CURLMcode code = wait_and_act(0);
  still_running = running_;
  return code;
}

CURLMcode CurlMulti::poll(int timeout_ms) { return wait_and_act(timeout_ms); }

CURLMcode CurlMulti::wakeup() {
  const std::uint64_t one = 1;
  // A full counter (2^64 - 2 wakeups unread) still wakes the reader: nothing is lost.
  if (::write(wake_.get(), &one, sizeof one) < 0 && errno != EAGAIN) return CURLM_WAKEUP_FAILURE;
  return CURLM_OK;
}

// libcurl says which sockets to watch for what; the epoll set follows. A socket libcurl tells
// about for the first time (since its last REMOVE) carries no socket data yet: it is added, and
// marked as in the set through curl_multi_assign, so later calls modify it. (Trying MOD first and
// ADD on ENOENT cost a failing system call for ~30 % of requests: a reused connection is removed
// between its transfers.)
int CurlMulti::on_socket(CURL*, curl_socket_t socket, int what, void* self_ptr, void* in_set) {
  auto& self = *static_cast<CurlMulti*>(self_ptr);
  const int events = self.events_.get();
  if (what == CURL_POLL_REMOVE) {
    epoll_ctl(events, EPOLL_CTL_DEL, socket, nullptr);  // fails only if already gone
    return 0;  // libcurl forgets the socket, and its mark, after this
  }
  epoll_event watch{};
  watch.events = (what & CURL_POLL_IN ? EPOLLIN : 0u) | (what & CURL_POLL_OUT ? EPOLLOUT : 0u);
  watch.data.fd = socket;
  const bool marked = in_set != nullptr;
  if (epoll_ctl(events, marked ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, socket, &watch) != 0) {
    // Should the mark and the set ever disagree, the other call still does what is wanted.
    const bool disagree = errno == (marked ? ENOENT : EEXIST);
    if (!disagree ||
        epoll_ctl(events, marked ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, socket, &watch) != 0) {
      return -1;  // libcurl aborts the multi handle's transfers: the loop cannot watch them
    }
  }
  // Cannot fail: libcurl holds the socket in its hash while it calls here. Were the mark lost,
  // the next call would find the socket by the fallback above.
  if (!marked) (void)curl_multi_assign(self.multi_.get(), socket, static_cast<void*>(&self));
  return 0;
}

// libcurl's one timer (connect and transfer timeouts, and "start this transfer now" after an
// add): -1 cancels it. Acted on by wait_and_act, never from inside this callback.
int CurlMulti::on_timer(CURLM*, long timeout_ms, void* self) {
  auto& multi = *static_cast<CurlMulti*>(self);
  if (timeout_ms < 0) {
    multi.timer_due_.reset();
  } else {
    multi.timer_due_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  }
  return 0;
}

CURLMcode CurlMulti::wait_and_act(int timeout_ms) {
  int wait_ms = timeout_ms;
  if (timer_due_) {
    const auto until = std::chrono::ceil<std::chrono::milliseconds>(
        *timer_due_ - std::chrono::steady_clock::now());
    wait_ms = static_cast<int>(std::clamp<std::int64_t>(until.count(), 0, wait_ms));
  }
  std::array<epoll_event, 64> ready{};
  const int count =
      epoll_wait(events_.get(), ready.data(), static_cast<int>(ready.size()), wait_ms);
  if (count < 0 && errno != EINTR) return CURLM_UNRECOVERABLE_POLL;
  for (int i = 0; i < count; ++i) {
    const int fd = ready[i].data.fd;
    const std::uint32_t happened = ready[i].events;
    if (fd == wake_.get()) {
      std::uint64_t wakes = 0;
      (void)!::read(wake_.get(), &wakes, sizeof wakes);
      continue;
    }
    // As libcurl's own poll-based check reads them: an error or hang-up is for the reader to
    // find (an EOF, or the socket's error) when it reads.
    int mask = 0;
    if (happened & (EPOLLIN | EPOLLERR | EPOLLHUP)) mask |= CURL_CSELECT_IN;
    if (happened & EPOLLOUT) mask |= CURL_CSELECT_OUT;
    if (const CURLMcode code = curl_multi_socket_action(multi_.get(), fd, mask, &running_);
        code != CURLM_OK) {
      return code;
    }
  }
  if (timer_due_ && std::chrono::steady_clock::now() >= *timer_due_) {
    timer_due_.reset();  // libcurl sets it again, from inside the call, if it needs it
    return curl_multi_socket_action(multi_.get(), CURL_SOCKET_TIMEOUT, 0, &running_);
  }
  return CURLM_OK;
}

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
