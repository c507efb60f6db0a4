#include "cli/signals.hpp"

#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include "cli/exit_codes.hpp"

namespace oneall::cli {
namespace {

// The signal state: the one piece of global state, because a signal handler can reach nothing
// else. The flag, and what the handler says when it sets it; both lock-free atomics, so reading
// and setting them from a handler is safe.
struct StopSignal {
  std::atomic<bool> requested{false};
  std::atomic<StopNotice> notice{StopNotice::kAfterNewline};
};
StopSignal g_stop;
static_assert(std::atomic<bool>::is_always_lock_free);
static_assert(std::atomic<StopNotice>::is_always_lock_free);

// Only async-signal-safe calls in the handler: write(2) of constant text, _exit(2).
void say(const char* text) {
  const int saved = errno;  // the interrupted code may be about to read errno
  const ssize_t ignored = write(STDERR_FILENO, text, std::strlen(text));
  (void)ignored;
  errno = saved;
}

extern "C" void on_stop_signal(int) {
  const StopNotice notice = g_stop.notice.load();
  const bool newline = notice == StopNotice::kAfterNewline;
  if (g_stop.requested.exchange(true)) {
    // Said even when quiet: no summary follows, and this is why the run ended with exit 4.
    say(newline ? "\nstopping now: jobs in flight go back to the queue when their lease runs out\n"
                : "stopping now: jobs in flight go back to the queue when their lease runs out\n");
    _exit(kExitStoppedEarly);  // second signal: leave now; leases make it safe
  }
  if (notice == StopNotice::kNone) return;
  say(newline ? "\nstopping: finishing requests in flight (Ctrl-C again to quit now)\n"
              : "stopping: finishing requests in flight (Ctrl-C again to quit now)\n");
}

}  // namespace

StopNotice stop_notice_for(bool quiet, int fd) {
  if (quiet) return StopNotice::kNone;
  return isatty(fd) == 1 ? StopNotice::kAfterNewline : StopNotice::kLine;
}

const std::atomic<bool>& install_stop_signals(StopNotice notice) {
  g_stop.notice.store(notice);
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
  return g_stop.requested;
}

}  // namespace oneall::cli
