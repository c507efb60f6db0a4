// The one injectable clock: production code asks a Clock for the time so that the rate
// limiter, backoff and leases can be tested without sleeping. Times are UTC milliseconds
// since the Unix epoch, which is also how the queue stores them.
#pragma once

#include <cstdint>
#include <string>

namespace oneall {

using EpochMs = std::int64_t;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual EpochMs now_ms() const = 0;
};

class SystemClock final : public Clock {
 public:
  EpochMs now_ms() const override;
};

// For tests: time moves only when told to.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(EpochMs start = 1'700'000'000'000) : now_(start) {}
  EpochMs now_ms() const override { return now_; }
  void advance_ms(EpochMs delta) { now_ += delta; }

 private:
  EpochMs now_;
};

// "2026-11-28T22:03:30.123Z"
std::string format_utc_ms(EpochMs ms);

}  // namespace oneall
