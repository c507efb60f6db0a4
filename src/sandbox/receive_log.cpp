#include "sandbox/receive_log.hpp"

#include <algorithm>

namespace oneall::sandbox {

ReceiveLog::ReceiveLog(Clock::time_point start, std::size_t capacity)
    : start_(start), capacity_(std::max<std::size_t>(1, capacity)) {}

ReceiveLog::Clock::time_point ReceiveLog::record() {
  std::lock_guard lock(mutex_);
  const Clock::time_point now = Clock::now();
  append_locked(std::chrono::duration_cast<std::chrono::microseconds>(now - start_));
  return now;
}

void ReceiveLog::record_at(Clock::time_point when) {
  std::lock_guard lock(mutex_);
  append_locked(std::chrono::duration_cast<std::chrono::microseconds>(when - start_));
}

void ReceiveLog::append_locked(std::chrono::microseconds since_start) {
  last_ = std::max(last_, since_start);
  if (ring_.size() < capacity_) {
    ring_.push_back(last_);
    return;
  }
  ring_[next_] = last_;
  next_ = (next_ + 1) % capacity_;
  ++forgotten_;
}

ReceiveTimes ReceiveLog::snapshot() const {
  std::lock_guard lock(mutex_);
  ReceiveTimes times;
  times.forgotten = forgotten_;
  times.since_start.reserve(ring_.size());
  // Once full, the oldest entry is the one next_ will overwrite.
  times.since_start.insert(times.since_start.end(), ring_.begin() + static_cast<long>(next_),
                           ring_.end());
  times.since_start.insert(times.since_start.end(), ring_.begin(),
                           ring_.begin() + static_cast<long>(next_));
  return times;
}

}  // namespace oneall::sandbox
