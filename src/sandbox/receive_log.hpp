// When the sandbox received each API request, so a test or a rehearsal can measure the rate a
// client achieved from the server's side (GET /sandbox/received, SandboxServer::received()).
// Times are microseconds since the server started, on its steady clock, oldest first. Memory
// is bounded: beyond `capacity` entries the oldest are forgotten (and counted as such).
// Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

namespace oneall::sandbox {

struct ReceiveTimes {
  std::vector<std::chrono::microseconds> since_start;  // oldest first, never decreasing
  std::uint64_t forgotten = 0;  // received earlier than since_start.front(), no longer kept
};

class ReceiveLog {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t kDefaultCapacity = 1'000'000;  // 8 MB when full

  explicit ReceiveLog(Clock::time_point start, std::size_t capacity = kDefaultCapacity);

  // Records a request received now and returns the time it recorded. The clock is read under
  // the lock, so the log is in order even when threads race.
  Clock::time_point record();
  // The same with a given time (tests); times earlier than the last one are raised to it.
  void record_at(Clock::time_point when);

  ReceiveTimes snapshot() const;

 private:
  void append_locked(std::chrono::microseconds since_start);

  const Clock::time_point start_;
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::vector<std::chrono::microseconds> ring_;  // grows to capacity_, then wraps at next_
  std::size_t next_ = 0;                         // where the next entry goes once full
  std::uint64_t forgotten_ = 0;
  std::chrono::microseconds last_{0};
};

}  // namespace oneall::sandbox
