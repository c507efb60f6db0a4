// Opening the queue database for a command, and naming it. Only `import` and `run` may create a
// queue (store::QueueOpen::kCreateIfMissing); every other command opens kExistingOnly, so a
// mistyped --db (or a PostgreSQL database without a queue, or a malformed URI) is a usage error
// (exit 2) naming it rather than an empty queue that "verifies". Any other failure to open (a
// server it cannot reach, a refused login, a newer schema) is exit 5. Every command that reads or writes a queue
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

// --db as messages, JSON and the runs table may show it: a path as given, a PostgreSQL URI
// without its password.
std::string shown_db(const GlobalOptions& global);

// A malformed PostgreSQL URI in --db is a usage error: its message to `err` and kExitUsage;
// kExitOk otherwise. open_queue checks it first; `run` checks it before taking its lock.
int check_queue_location(const GlobalOptions& global, std::ostream& err);

OpenedQueue open_queue(const GlobalOptions& global, const Clock& clock, std::ostream& err,
                       store::QueueOpen how);

// "queue: PATH (where the path came from)", plus ", created now" for a queue open_queue just
// created: the first line of a command's human output.
std::string queue_line(const GlobalOptions& global, const store::Queue& queue);

// `object` (a JSON object's text) with "queue":PATH as its first member.
std::string with_queue_field(const GlobalOptions& global, std::string_view object);

}  // namespace oneall::cli
