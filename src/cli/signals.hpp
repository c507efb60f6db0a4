// SIGINT/SIGTERM (docs/cli.md#signals). The first signal sets the stop flag — the only global in
// the program — which the runner and the sandbox command poll; a second signal exits at once
// with code 4 (the lease makes that safe: unfinished jobs are reclaimed by the next run).
#pragma once

#include <atomic>

namespace oneall::cli {

// Installs the handlers (idempotent) and returns the flag they set.
const std::atomic<bool>& install_stop_signals();

}  // namespace oneall::cli
