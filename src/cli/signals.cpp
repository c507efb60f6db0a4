#include "cli/signals.hpp"

#include <unistd.h>

#include <csignal>

#include "cli/exit_codes.hpp"

namespace oneall::cli {
namespace {

// The signal flag: the one piece of global state, because a signal handler can reach nothing
// else. std::atomic<bool> is lock-free here, so setting it from a handler is safe.
std::atomic<bool> g_stop_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void on_stop_signal(int) {
  if (g_stop_requested.exchange(true)) {
    _exit(kExitStoppedEarly);  // second signal: leave now; leases make it safe
  }
}

}  // namespace

const std::atomic<bool>& install_stop_signals() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  return g_stop_requested;
}

}  // namespace oneall::cli
