// The queue's job counts as `oneall-bulk status --json` reports them, read through the real
// binary, for end-to-end tests that check what a run left behind.
#pragma once

#include <cstdint>
#include <string>

namespace oneall::testing {

struct QueueStates {
  std::int64_t total = -1;  // -1: status failed or did not answer JSON (the test fails too)
  std::int64_t pending = -1;
  std::int64_t running = -1;
  std::int64_t succeeded = -1;
  std::int64_t failed = -1;
};

// Runs `status --json --db db`; a failure or an answer that is not JSON fails the test.
QueueStates queue_states(const std::string& db);

}  // namespace oneall::testing
