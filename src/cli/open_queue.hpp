// Opening the queue database for a command: on failure the reason is written to `err` and
// nullptr returned, and the command exits with kExitStorage.
#pragma once

#include <iosfwd>
#include <memory>

#include "cli/command.hpp"
#include "store/queue.hpp"

namespace oneall::cli {

std::unique_ptr<store::Queue> open_queue(const GlobalOptions& global, const Clock& clock,
                                         std::ostream& err);

}  // namespace oneall::cli
