// The lease a test's run declares when it starts (Queue::begin_run): how long the run counts as
// alive without a heartbeat. Tests that are about leases pass their own.
#pragma once

#include <cstdint>

namespace oneall::testing {

inline constexpr std::int64_t kTestLeaseMs = 120'000;

}  // namespace oneall::testing
