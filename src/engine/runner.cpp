#include "engine/runner.hpp"

#include <fmt/format.h>

#include <exception>
#include <memory>

#include "engine/run_loop.hpp"
#include "engine/wal_checkpointer.hpp"

namespace oneall::engine {

Runner::Runner(store::Queue& queue, RunOptions options, const Clock& clock,
               const std::atomic<bool>& stop)
    : queue_(queue), options_(std::move(options)), clock_(clock), stop_(stop) {}

Result<RunSummary> Runner::run(std::int64_t run_id) {
  std::unique_ptr<RunLoop> loop;
  try {
    loop = std::make_unique<RunLoop>(queue_, options_, clock_, stop_, progress_, run_id);
  } catch (const std::exception& e) {  // libcurl could not initialise or allocate a handle
    return Error{fmt::format("cannot set up HTTP transfers for run {}: {}", run_id, e.what())};
  }
  std::unique_ptr<WalCheckpointer> checkpointer;
  try {
    checkpointer = std::make_unique<WalCheckpointer>(queue_);
  } catch (const std::exception& e) {
    return Error{fmt::format("cannot open a second connection to {} for checkpoints: {}",
                             queue_.path(), e.what())};
  }
  return loop->run();
}

}  // namespace oneall::engine
