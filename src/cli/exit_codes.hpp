// The exit codes of docs/cli.md#exit-codes, in one place.
#pragma once

namespace oneall::cli {

enum ExitCode : int {
  kExitOk = 0,            // everything in scope succeeded
  kExitJobsFailed = 1,    // some jobs failed or are dead
  kExitUsage = 2,         // bad usage or invalid job file
  kExitLocked = 3,        // another run holds this database
  kExitStoppedEarly = 4,  // deadline, signal or circuit breaker, with work left
  kExitStorage = 5,       // storage or system error
};

}  // namespace oneall::cli
