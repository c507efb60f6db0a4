// SIGINT/SIGTERM (docs/cli.md#signals). The first signal sets the stop flag, which the runner
// and the sandbox command poll; a second signal exits at once with code 4 (the lease makes that
// safe: unfinished jobs are reclaimed by the next run). What the handler says on stderr is
// chosen when it is installed, since it can ask nothing then.
#pragma once

#include <atomic>

namespace oneall::cli {

enum class StopNotice {
  kNone,          // --quiet: the first signal is not announced (cron mails any output)
  kLine,          // "stopping: ..." on a line of its own
  kAfterNewline,  // the same after a newline: on a terminal the cursor stands after "^C" or on
                  // the progress line
};

// The notice for output on `fd`: none when quiet, else a line, after a newline on a terminal.
StopNotice stop_notice_for(bool quiet, int fd);

// Installs the handlers (again: only the notice changes) and returns the flag they set.
const std::atomic<bool>& install_stop_signals(StopNotice notice);

}  // namespace oneall::cli
