// The most requests in any one-second window (open at its start), from a list of times in any
// order: how the rate-limit tests check "no second exceeds the rate by more than the burst".
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <vector>

namespace oneall::engine::testing {

template <class Time>
std::int64_t busiest_second(std::vector<Time> times, Time one_second) {
  std::sort(times.begin(), times.end());
  std::int64_t most = 0;
  std::deque<Time> window;
  for (Time t : times) {
    window.push_back(t);
    while (window.front() <= t - one_second) window.pop_front();
    most = std::max<std::int64_t>(most, static_cast<std::int64_t>(window.size()));
  }
  return most;
}

}  // namespace oneall::engine::testing
