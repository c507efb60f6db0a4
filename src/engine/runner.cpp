#include "engine/runner.hpp"

#include <fmt/format.h>

#include <exception>
#include <memory>

#include "engine/run_loop.hpp"

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
  // Whatever the store does beside a run (SQLite: checkpoints) lasts until the loop is done.
  auto upkeep = queue_.start_run_upkeep();
  if (!upkeep) return upkeep.error();
  return loop->run();
}

}  // namespace oneall::engine
