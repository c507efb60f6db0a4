// This machine and its processes, as the run lock and the queues' reclaim of crashed runs see
// them: the host's name, and whether a pid of this host still runs.
#pragma once

#include <cstdint>
#include <string>

namespace oneall {

std::string host_name();  // "unknown" when the system will not say

// Whether process `pid` of this machine still exists. A zombie or a reused pid counts as alive
// (a caller waiting on a lease then only waits longer), and so does a pid of 0 or less.
bool process_alive(std::int64_t pid);

}  // namespace oneall
