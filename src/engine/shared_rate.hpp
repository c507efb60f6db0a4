// The rate limits of a queue that several runs work at once (store::Queue::runs_at_once):
// --rate and --identity-rate hold for all the runs together (docs/cli.md#rate-limits). Sends
// are reserved in the queue's budget a short window at a time (Queue::reserve_sends: the
// generic cell rate algorithm, its arrival time kept in the queue), and a run starts a request
// only into a send it reserved. A 429 holds the scope for every run for a second
// (Queue::hold_sends), beside the run's own adaptive slowdown (SendGate).
// This object lives on the loop's thread: it says which reservations the writer's next turn
// should make, and takes the windows the reply brings.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/records.hpp"
#include "util/clock.hpp"

namespace oneall::engine {

class SharedRate {
 public:
  struct Reservation {
    std::string scope;
    std::int64_t interval_us = 0;
    int count = 0;
  };
  struct Hold {
    std::string scope;
    EpochMs until = 0;
  };
  // A 429 holds its scope this long for every run.
  static constexpr EpochMs kHoldMs = 1'000;
  static constexpr EpochMs kNotReserved = INT64_MAX;

  SharedRate(std::optional<double> rate, std::optional<double> identity_rate);

  // When a send for `identity` may start by the run's and the identity's reserved sends: <= now
  // means now; kNotReserved: a scope has no reserved send left (one is asked for in the next
  // turn). `run_scope_waits` tells whether it is the run's scope that holds it back.
  EpochMs ready_at(const std::string& identity, EpochMs now, bool& run_scope_waits);
  void started(const std::string& identity);
  void throttled(const std::string& identity, EpochMs now);

  // What the next turn should ask of the queue; each scope at most once until its reply. A
  // scope asks again once half its reserved sends are used, so the next window is there before
  // the last one runs out: the run scope for the `ready_jobs` the run holds, an identity for the
  // sends waited for, a window at most (a window reserved and not used is budget lost to all).
  std::vector<Reservation> take_reservations(std::size_t ready_jobs);
  std::vector<Hold> take_holds();
  void granted(const std::vector<store::SendWindow>& windows);

 private:
  struct Window {              // one reservation the queue granted
    std::int64_t next_us = 0;  // its next send
    int left = 0;              // its sends not used yet
  };
  struct Scope {
    std::deque<Window> windows;  // in the order granted
    std::int64_t interval_us = 0;
    int wanted = 0;      // sends asked about since the last reservation was asked for
    bool asked = false;  // a reservation is in the writer's hands
    int left() const;
  };
  EpochMs scope_ready_at(const std::string& scope, std::int64_t interval_us, EpochMs now);
  static std::string identity_scope(const std::string& identity) { return "identity:" + identity; }

  std::optional<std::int64_t> run_interval_us_;
  std::optional<std::int64_t> identity_interval_us_;
  std::unordered_map<std::string, Scope> scopes_;  // by name
  std::vector<Hold> holds_;
};

}  // namespace oneall::engine
