#include "cli/open_queue.hpp"

#include <ostream>

namespace oneall::cli {

std::unique_ptr<store::Queue> open_queue(const GlobalOptions& global, const Clock& clock,
                                         std::ostream& err) {
  auto queue = store::Queue::open(global.db, clock);
  if (!queue) {
    err << queue.error().message << '\n';
    return nullptr;
  }
  return std::move(queue).value();
}

}  // namespace oneall::cli
