// Opening the queue database for a command, and naming it. Only `import` and `run` may create a
// queue (store::QueueOpen::kCreateIfMissing); every other command opens kExistingOnly, so a
// mistyped --db is a usage error (exit 2) naming the path rather than an empty queue that
// "verifies". Any other failure to open is exit 5. Every command that reads or writes a queue
// names it in its first line (queue_line) and its JSON (the "queue" key), so a user can tell
// which file it used.
#pragma once

#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>

#include "cli/command.hpp"
#include "store/queue.hpp"

namespace oneall::cli {

// The queue, or the exit code that ends the command (the reason already written to `err`).
struct OpenedQueue {
  std::unique_ptr<store::Queue> queue;
  int exit_code = 0;
};

OpenedQueue open_queue(const GlobalOptions& global, const Clock& clock, std::ostream& err,
                       store::QueueOpen how);

// "queue: PATH (where the path came from)", plus ", created now" for a queue open_queue just
// created: the first line of a command's human output.
std::string queue_line(const GlobalOptions& global, const store::Queue& queue);

// `object` (a JSON object's text) with "queue":PATH as its first member.
std::string with_queue_field(const GlobalOptions& global, std::string_view object);

}  // namespace oneall::cli
