// The sandbox's --throttle: a token bucket over all API requests, on the sandbox's own steady
// clock. It refills at `rate` tokens per second up to `burst` tokens; a request that finds a
// whole token takes it and passes, one that finds none is refused (and takes nothing), with
// the whole seconds until the next token as its Retry-After. So a client that keeps above
// `rate` requests/s is refused the excess, one at or below it never is, and after an idle
// spell up to `burst` requests pass at once. Thread-safe; time is passed in, so tests need no
// sleeping.
#pragma once

#include <chrono>
#include <mutex>

namespace oneall::sandbox {

struct ThrottleDecision {
  bool allowed = true;
  int retry_after_seconds = 0;  // when refused: whole seconds, at least 1
};

class Throttle {
 public:
  using Clock = std::chrono::steady_clock;

  // rate > 0 requests per second; burst <= 0 means one second's worth (at least 1).
  Throttle(double rate, double burst, Clock::time_point start);

  ThrottleDecision admit(Clock::time_point now);

  double rate() const { return rate_; }
  double burst() const { return burst_; }

 private:
  const double rate_;
  const double burst_;
  std::mutex mutex_;
  double tokens_;             // starts full
  Clock::time_point filled_;  // when tokens_ was last brought up to date
};

}  // namespace oneall::sandbox
