#include "engine/shared_rate.hpp"

#include <algorithm>
#include <cmath>

namespace oneall::engine {
namespace {

constexpr std::string_view kRunScope = "run";
// A reservation covers this much of a second's sends: short enough that a run which stops
// leaves little of the budget unused, long enough that reserving costs a few turns a second.
constexpr double kWindowSeconds = 0.2;

std::optional<std::int64_t> interval_us(std::optional<double> per_second) {
  if (!per_second || *per_second <= 0) return std::nullopt;
  return std::max<std::int64_t>(1, std::llround(1e6 / *per_second));
}

int window_sends(std::int64_t interval) {
  return std::max(1, static_cast<int>(kWindowSeconds * 1e6 / static_cast<double>(interval)));
}

}  // namespace

SharedRate::SharedRate(std::optional<double> rate, std::optional<double> identity_rate)
    : run_interval_us_(interval_us(rate)), identity_interval_us_(interval_us(identity_rate)) {}

EpochMs SharedRate::scope_ready_at(const std::string& scope, std::int64_t interval, EpochMs now) {
  Window& window = windows_[scope];
  window.interval_us = interval;
  // Reserved sends more than one interval in the past are gone: using them late would send a
  // burst above the rate the other runs count on.
  const std::int64_t now_us = now * 1000;
  if (window.left > 0 && window.next_us < now_us - interval) {
    const std::int64_t missed = (now_us - window.next_us) / interval;
    const std::int64_t dropped = std::min<std::int64_t>(missed, window.left);
    window.left -= static_cast<int>(dropped);
    window.next_us += dropped * interval;
  }
  if (window.left == 0) {
    ++window.wanted;
    return kNotReserved;
  }
  return (window.next_us + 999) / 1000;
}

EpochMs SharedRate::ready_at(const std::string& identity, EpochMs now, bool& run_scope_waits) {
  run_scope_waits = false;
  EpochMs at = now;
  if (run_interval_us_) {
    at = scope_ready_at(std::string(kRunScope), *run_interval_us_, now);
    if (at > now) {
      run_scope_waits = true;
      return at;
    }
  }
  if (identity_interval_us_) {
    at = std::max(at, scope_ready_at(identity_scope(identity), *identity_interval_us_, now));
  }
  return at;
}

void SharedRate::started(const std::string& identity, EpochMs /*now*/) {
  auto use = [this](const std::string& scope) {
    Window& window = windows_[scope];
    if (window.left == 0) return;
    --window.left;
    window.next_us += window.interval_us;
  };
  if (run_interval_us_) use(std::string(kRunScope));
  if (identity_interval_us_) use(identity_scope(identity));
}

// The scope the limit is kept in: the identity's when identity limits are in force (the user
// said the API limits per identity), the run's otherwise, as SendGate does.
void SharedRate::throttled(const std::string& identity, EpochMs now) {
  std::string scope;
  if (identity_interval_us_) {
    scope = identity_scope(identity);
  } else if (run_interval_us_) {
    scope = std::string(kRunScope);
  } else {
    return;  // no shared limit to hold: SendGate slows this run
  }
  holds_.push_back({scope, now + kHoldMs});
  windows_[scope].left = 0;  // what was reserved before the hold is not used
}

std::vector<SharedRate::Reservation> SharedRate::take_reservations() {
  std::vector<Reservation> wanted;
  for (auto& [scope, window] : windows_) {
    if (window.asked || window.left > 0 || window.wanted == 0) continue;
    wanted.push_back(
        {scope, window.interval_us, std::min(window.wanted, window_sends(window.interval_us))});
    window.asked = true;
    window.wanted = 0;
  }
  return wanted;
}

std::vector<SharedRate::Hold> SharedRate::take_holds() { return std::exchange(holds_, {}); }

void SharedRate::granted(const std::vector<store::SendWindow>& windows) {
  for (const store::SendWindow& granted : windows) {
    Window& window = windows_[granted.scope];
    window.asked = false;
    window.next_us = granted.first_at_us;
    window.left = granted.count;
  }
}

}  // namespace oneall::engine
