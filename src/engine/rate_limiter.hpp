// Rate limits scheduled inside the event loop (docs/cli.md#rate-limits: --rate, --identity-rate;
// a 429 lowers its scope's rate, which recovers gradually). Nothing here sleeps or reads a
// clock: callers pass `now` and get back the time a request may start, which the loop turns
// into its poll timeout.
//
//  - Gcra: the generic cell rate algorithm (as in ATM traffic policing and redis-cell). One
//    number, the theoretical arrival time, holds the state; a request conforms when it is at
//    most `burst - 1` intervals early. Over any window of W ms it admits at most
//    W * rate / 1000 + burst requests, and lateness of the caller is not lost (the tolerance
//    absorbs it), so a long run holds the rate exactly.
//  - AdaptiveRate: a Gcra whose rate a 429 halves (at most once a second: the answers of one
//    burst arrive together) and which then climbs back linearly, a tenth of the way per second,
//    to its ceiling. Without a ceiling (no --rate) it is unlimited until the first 429, which
//    starts the limit at half the rate observed then; once it has climbed back to that rate
//    the limit is lifted.
//  - SendGate: the run's gate: one AdaptiveRate for the whole run, and one per identity token
//    when --identity-rate is set. A 429 lowers the identity's rate when identity limits are in
//    force (the user said the API limits per identity), and the run's otherwise.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "util/clock.hpp"

namespace oneall::engine {

// The burst of a limit: a small fraction of a second's worth, at least 2 so that a loop waking
// a little late does not lose its turn.
int default_burst(double per_second);

class Gcra {
 public:
  Gcra(double per_second, int burst);

  // The earliest time a request conforms (<= now: it may start now).
  EpochMs conforms_at(EpochMs now) const;
  // Counts a request started at `now` (whether or not it conformed).
  void take(EpochMs now);
  void set_rate(double per_second);
  double rate() const { return rate_; }

 private:
  double rate_ = 0;
  double interval_ms_ = 0;
  double tolerance_ms_ = 0;
  double arrival_ms_ = 0;  // the theoretical arrival time of the next request
  int burst_ = 2;
};

class AdaptiveRate {
 public:
  explicit AdaptiveRate(std::optional<double> ceiling);

  EpochMs conforms_at(EpochMs now);  // applies the recovery due by `now` first
  void take(EpochMs now);
  // A 429 arrived at `now`; `observed_per_s` is the rate requests were starting at.
  void throttled(EpochMs now, double observed_per_s);

  bool limited() const { return limit_.has_value(); }
  std::optional<double> current_rate() const;

 private:
  void recover(EpochMs now);

  std::optional<double> ceiling_;  // the user's limit; nullopt: none
  std::optional<Gcra> limit_;      // in force now
  double recover_to_ = 0;          // the rate the climb ends at
  double step_per_s_ = 0;          // how much the rate climbs each second
  EpochMs last_cut_ = 0;
  EpochMs last_step_ = 0;
  bool cut_ = false;  // a 429 cut the rate and it has not fully recovered
};

// Requests started over the last second, in 100 ms buckets: the observed rate a 429 halves
// when no --rate was given.
class StartCounter {
 public:
  void add(EpochMs now);
  double per_second(EpochMs now) const;

 private:
  static constexpr std::size_t kBuckets = 10;
  static constexpr EpochMs kBucketMs = 100;
  std::array<EpochMs, kBuckets> bucket_ids_{};  // now / kBucketMs of the bucket in each slot
  std::array<std::int64_t, kBuckets> counts_{};
};

class SendGate {
 public:
  SendGate(std::optional<double> rate, std::optional<double> identity_rate);

  // When a request for `identity` may start: <= now means now. The run's limit comes first:
  // while it holds, no identity may start.
  EpochMs run_ready_at(EpochMs now);
  EpochMs identity_ready_at(const std::string& identity, EpochMs now);
  void started(const std::string& identity, EpochMs now);
  void throttled(const std::string& identity, EpochMs now);

  std::optional<double> run_rate() const { return run_.current_rate(); }

 private:
  AdaptiveRate run_;
  std::optional<double> identity_rate_;
  std::unordered_map<std::string, AdaptiveRate> identities_;
  StartCounter starts_;
};

}  // namespace oneall::engine
