#include "sandbox/deadline_sleep.hpp"

#include <sys/prctl.h>

#include <cerrno>
#include <ctime>

namespace oneall::sandbox {

void sleep_until(std::chrono::steady_clock::time_point deadline) {
  static_assert(std::chrono::steady_clock::is_steady);
  const auto since_epoch = deadline.time_since_epoch();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  const auto nanoseconds =
      std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch - seconds);
  timespec until{};
  until.tv_sec = static_cast<std::time_t>(seconds.count());
  until.tv_nsec = static_cast<long>(nanoseconds.count());
  // With TIMER_ABSTIME an interrupted sleep resumes towards the same deadline.
  while (::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, nullptr) == EINTR) {
  }
}

void use_precise_timers_in_this_thread() {
  // 0 would mean "back to the default"; 1 ns is the least there is.
  ::prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
}

}  // namespace oneall::sandbox
