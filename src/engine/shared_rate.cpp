#include "engine/shared_rate.hpp"

#include <algorithm>
#include <cmath>

namespace oneall::engine {
namespace {

constexpr std::string_view kRunScope = "run";
// A reservation covers at most this much of a second's sends: long enough that reserving
// costs a couple of turns a second, short enough that the budget a run reserves and cannot use
// (its jobs ran out) is little.
constexpr double kWindowSeconds = 0.5;
// A reserved send may still start this late: a loop that wakes late (a loaded machine) sends
// what it missed at once, a burst of at most this long's worth, as SendGate's own burst allows.
// Older sends are given up, so that a run idle for a while does not send its window at once.
constexpr std::int64_t kLateToleranceUs = 100'000;

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

int SharedRate::Scope::left() const {
  int sum = 0;
  for (const Window& window : windows) sum += window.left;
  return sum;
}

EpochMs SharedRate::scope_ready_at(const std::string& name, std::int64_t interval, EpochMs now) {
  Scope& scope = scopes_[name];
  scope.interval_us = interval;
  ++scope.wanted;
  // Reserved sends later than the tolerance are gone: using them would send a burst above the
  // rate the other runs count on.
  const std::int64_t now_us = now * 1000;
  const std::int64_t tolerance = std::max(interval, kLateToleranceUs);
  while (!scope.windows.empty()) {
    Window& window = scope.windows.front();
    if (window.next_us < now_us - tolerance) {
      const std::int64_t missed = (now_us - tolerance - window.next_us) / interval + 1;
      const std::int64_t dropped = std::min<std::int64_t>(missed, window.left);
      window.left -= static_cast<int>(dropped);
      window.next_us += dropped * interval;
    }
    if (window.left > 0) return (window.next_us + 999) / 1000;
    scope.windows.pop_front();
  }
  return kNotReserved;
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

void SharedRate::started(const std::string& identity) {
  auto use = [this](const std::string& name) {
    Scope& scope = scopes_[name];
    if (scope.windows.empty()) return;
    Window& window = scope.windows.front();
    window.next_us += scope.interval_us;
    if (--window.left == 0) scope.windows.pop_front();
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
  scopes_[scope].windows.clear();  // what was reserved before the hold is not used
}

std::vector<SharedRate::Reservation> SharedRate::take_reservations(std::size_t ready_jobs) {
  std::vector<Reservation> wanted;
  for (auto& [name, scope] : scopes_) {
    const int window = window_sends(scope.interval_us);
    const int left = scope.left();
    if (scope.asked || scope.wanted == 0 || left > window / 2) continue;
    // The run's ready jobs that its reserved sends do not cover yet; an identity's waits.
    const int demand = name == kRunScope
                           ? static_cast<int>(std::min<std::size_t>(ready_jobs, INT32_MAX)) - left
                           : scope.wanted;
    if (demand <= 0) continue;
    wanted.push_back({name, scope.interval_us, std::min(demand, window)});
    scope.asked = true;
    scope.wanted = 0;
  }
  return wanted;
}

std::vector<SharedRate::Hold> SharedRate::take_holds() { return std::exchange(holds_, {}); }

void SharedRate::granted(const std::vector<store::SendWindow>& windows) {
  for (const store::SendWindow& granted : windows) {
    Scope& scope = scopes_[granted.scope];
    scope.asked = false;
    scope.windows.push_back({granted.first_at_us, granted.count});
  }
}

}  // namespace oneall::engine
