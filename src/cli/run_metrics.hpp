// One run's metrics for Prometheus, as `run --metrics-file` writes them (docs/cli.md#metrics):
// when it started (and ended, with which exit status), its requests by outcome and by HTTP
// status class, 429 answers, circuit-breaker stops, and a histogram of request durations. The
// counters count this run's requests: a new run starts them at 0 again, as a restarted process
// does. Pure: a snapshot of the run in, exposition text out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "engine/run_options.hpp"
#include "util/clock.hpp"

namespace oneall::cli {

struct RunMetrics {
  EpochMs started_at = 0;
  engine::RunSummary so_far;        // duration_ms: time since the start
  std::optional<EpochMs> ended_at;  // set with exit_code once the run is over
  std::optional<int> exit_code;
};

std::string run_metrics_text(const RunMetrics& run);

}  // namespace oneall::cli
