// Which fault, if any, the sandbox puts into one API request (docs/cli.md#the-sandbox): throttling
// first (the token bucket of throttle.hpp, so a refused request does not count against the
// rate), then a connection reset with probability reset_rate, then a 500 or 503 with
// probability error_rate. Each is rolled independently, in that order, from one seeded
// generator. A reset drops the connection either before the change is made or after it (the
// answer is lost), one or the other at random, as both happen over real networks.
// Thread-safe; socket-free, so tests check the distributions directly.
#pragma once

#include <cstdint>
#include <optional>

#include "sandbox/seeded_random.hpp"
#include "sandbox/throttle.hpp"
#include "util/result.hpp"

namespace oneall::sandbox {

struct FaultRates {
  double error_rate = 0;      // 0..1
  double throttle_rps = 0;    // 0: off
  double throttle_burst = 0;  // 0: one second's worth
  double reset_rate = 0;      // 0..1
  std::optional<std::uint64_t> seed;
};

// What is wrong with `rates`, if anything, naming the option.
Status check_fault_rates(const FaultRates& rates);

enum class FaultKind {
  kNone,
  kThrottled,            // 429 with Retry-After, nothing applied
  kError,                // 500 or 503, nothing applied
  kResetBeforeApplying,  // connection dropped, nothing applied
  kResetAfterApplying,   // change applied, then the connection dropped
};

struct Fault {
  FaultKind kind = FaultKind::kNone;
  int status = 0;               // 429, 500 or 503 for kThrottled and kError
  int retry_after_seconds = 0;  // kThrottled only
};

class FaultPlan {
 public:
  // `rates` must have passed check_fault_rates.
  FaultPlan(const FaultRates& rates, Throttle::Clock::time_point start);

  // For one API request received at `received`.
  Fault decide(Throttle::Clock::time_point received);

  std::uint64_t seed() const { return random_.seed(); }

 private:
  const FaultRates rates_;
  SeededRandom random_;
  std::optional<Throttle> throttle_;
};

}  // namespace oneall::sandbox
