// sleep_until and the timer slack: waits end at their deadline, not before, and not long after.
#include "sandbox/deadline_sleep.hpp"

#include <gtest/gtest.h>
#include <sys/prctl.h>

#include <thread>

namespace oneall::sandbox {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

TEST(DeadlineSleep, ReturnsAtTheDeadlineNotBefore) {
  for (const int ms : {1, 5, 20}) {
    const auto deadline = steady_clock::now() + milliseconds(ms);
    sleep_until(deadline);
    const auto woke = steady_clock::now();
    EXPECT_GE(woke, deadline) << ms;
    EXPECT_LT(woke - deadline, milliseconds(20)) << ms;  // generous: a loaded machine
  }
}

TEST(DeadlineSleep, APassedDeadlineReturnsAtOnce) {
  const auto start = steady_clock::now();
  sleep_until(start - milliseconds(100));
  sleep_until(steady_clock::time_point{});
  EXPECT_LT(steady_clock::now() - start, milliseconds(20));
}

TEST(DeadlineSleep, PreciseTimersAreSetForTheThreadAndInheritedByItsThreads) {
  // In a thread of its own, so the test runner's slack stays as it was.
  std::thread([] {
    use_precise_timers_in_this_thread();
    EXPECT_EQ(::prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0), 1);
    std::thread([] { EXPECT_EQ(::prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0), 1); }).join();
  }).join();
}

}  // namespace
}  // namespace oneall::sandbox
