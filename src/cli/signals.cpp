#include "cli/signals.hpp"

#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include "cli/exit_codes.hpp"

namespace oneall::cli {
namespace {

// The signal flag: the one piece of global state, because a signal handler can reach nothing
// else. std::atomic<bool> is lock-free here, so setting it from a handler is safe.
std::atomic<bool> g_stop_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free);

// Only async-signal-safe calls in the handler: write(2) of constant text, _exit(2).
void say(const char* text) {
  const int saved = errno;  // the interrupted code may be about to read errno
  const ssize_t ignored = write(STDERR_FILENO, text, std::strlen(text));
  (void)ignored;
  errno = saved;
}

extern "C" void on_stop_signal(int) {
  if (g_stop_requested.exchange(true)) {
    say("\nstopping now: jobs in flight go back to the queue when their lease runs out\n");
    _exit(kExitStoppedEarly);  // second signal: leave now; leases make it safe
  }
  say("\nstopping: finishing requests in flight (Ctrl-C again to quit now)\n");
}

}  // namespace

const std::atomic<bool>& install_stop_signals() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  // SA_RESTART: SQLite's and the streams' reads and writes resume instead of failing with
  // EINTR. epoll_wait(2) is never restarted, so the runner's wait still returns and the loop
  // sees the flag at once (or within its 250 ms poll timeout, when another of the process's
  // threads takes the signal).
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  return g_stop_requested;
}

}  // namespace oneall::cli
