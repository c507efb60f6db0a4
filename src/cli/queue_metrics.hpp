// The queue's gauges for Prometheus, as `status --format prometheus` prints them
// (docs/cli.md#metrics): jobs by state, how long the oldest due job has waited, the runs working
// the queue now, and the last run's start, end and exit code, and the last success. Pure: a
// QueueStatus and the time in, exposition text out.
#pragma once

#include <string>

#include "store/records.hpp"
#include "util/clock.hpp"

namespace oneall::cli {

std::string queue_metrics_text(const store::QueueStatus& status, EpochMs now);

}  // namespace oneall::cli
