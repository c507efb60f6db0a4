// How the sandbox waits out --latency: until a deadline on the steady clock (the request's
// arrival plus the latency), so the time spent reading, checking and answering the request
// falls inside the latency instead of being added to it. clock_nanosleep with an absolute
// deadline on CLOCK_MONOTONIC (std::chrono::steady_clock's clock on Linux) is not lengthened
// by a preemption between reading the clock and sleeping, as a relative sleep would be, and a
// signal does not restart the whole wait. The kernel may still wake a thread up to its timer
// slack late (50 µs by default): the sandbox's threads lower theirs to 1 ns.
#pragma once

#include <chrono>

namespace oneall::sandbox {

// Returns at `deadline` or just after it (at once if it has passed).
void sleep_until(std::chrono::steady_clock::time_point deadline);

// Sets the calling thread's timer slack to 1 ns; threads it starts afterwards inherit it.
// Linux only; elsewhere, and should the kernel refuse, timers keep their default slack.
void use_precise_timers_in_this_thread();

}  // namespace oneall::sandbox
