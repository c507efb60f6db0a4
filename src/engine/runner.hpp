// The runner: one event loop over curl_multi_poll that keeps up to `concurrency` requests in
// flight, claiming jobs from the queue in windows, and records every finished attempt (and
// the job's next state) back into the queue before it claims more.
#pragma once

#include <atomic>

#include "engine/run_options.hpp"
#include "store/queue.hpp"
#include "util/clock.hpp"
#include "util/result.hpp"

namespace oneall::engine {

class Runner {
 public:
  // `stop` is the signal flag: once true, the runner claims nothing new, lets in-flight
  // requests finish (bounded by their timeout), writes everything and returns.
  Runner(store::Queue& queue, RunOptions options, const Clock& clock,
         const std::atomic<bool>& stop);

  // Works the queue until nothing is runnable (or stop). Errors are storage/system errors.
  Result<RunSummary> run(std::int64_t run_id);

 private:
  store::Queue& queue_;
  RunOptions options_;
  const Clock& clock_;
  const std::atomic<bool>& stop_;
};

}  // namespace oneall::engine
