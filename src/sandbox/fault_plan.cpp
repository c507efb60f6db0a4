#include "sandbox/fault_plan.hpp"

#include <fmt/format.h>

#include <cmath>

namespace oneall::sandbox {
namespace {

bool is_fraction(double p) { return std::isfinite(p) && p >= 0 && p <= 1; }

}  // namespace

Status check_fault_rates(const FaultRates& rates) {
  if (!is_fraction(rates.error_rate)) {
    return Error{fmt::format("--error-rate must be between 0 and 1, not {}", rates.error_rate)};
  }
  if (!is_fraction(rates.reset_rate)) {
    return Error{fmt::format("--reset-rate must be between 0 and 1, not {}", rates.reset_rate)};
  }
  if (!std::isfinite(rates.throttle_rps) || rates.throttle_rps < 0) {
    return Error{
        fmt::format("--throttle must be a rate of 0 (off) or more requests per second, "
                    "not {}",
                    rates.throttle_rps)};
  }
  if (!std::isfinite(rates.throttle_burst) || rates.throttle_burst < 0) {
    return Error{fmt::format("--throttle-burst must be 0 (one second's worth) or more, not {}",
                             rates.throttle_burst)};
  }
  return Ok{};
}

FaultPlan::FaultPlan(const FaultRates& rates, Throttle::Clock::time_point start)
    : rates_(rates), random_(rates.seed) {
  if (rates.throttle_rps > 0) throttle_.emplace(rates.throttle_rps, rates.throttle_burst, start);
}

Fault FaultPlan::decide(Throttle::Clock::time_point received) {
  if (throttle_) {
    const ThrottleDecision decision = throttle_->admit(received);
    if (!decision.allowed) return {FaultKind::kThrottled, 429, decision.retry_after_seconds};
  }
  if (random_.chance(rates_.reset_rate)) {
    return {random_.chance(0.5) ? FaultKind::kResetAfterApplying : FaultKind::kResetBeforeApplying,
            0, 0};
  }
  if (random_.chance(rates_.error_rate)) {
    return {FaultKind::kError, random_.chance(0.5) ? 503 : 500, 0};
  }
  return {};
}

}  // namespace oneall::sandbox
