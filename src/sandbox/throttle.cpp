#include "sandbox/throttle.hpp"

#include <algorithm>
#include <cmath>

namespace oneall::sandbox {
namespace {

double default_burst(double rate, double burst) {
  return burst > 0 ? std::max(1.0, burst) : std::max(1.0, rate);
}

}  // namespace

Throttle::Throttle(double rate, double burst, Clock::time_point start)
    : rate_(rate), burst_(default_burst(rate, burst)), tokens_(burst_), filled_(start) {}

ThrottleDecision Throttle::admit(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (now > filled_) {  // threads may pass times slightly out of order: never refill backwards
    const double elapsed = std::chrono::duration<double>(now - filled_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
    filled_ = now;
  }
  if (tokens_ >= 1.0) {
    tokens_ -= 1.0;
    return {true, 0};
  }
  const double wait_seconds = (1.0 - tokens_) / rate_;
  return {false, std::max(1, static_cast<int>(std::ceil(wait_seconds)))};
}

}  // namespace oneall::sandbox
