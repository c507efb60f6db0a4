// How a run ended, for the user and for cron (docs/cli.md#exit-codes): the exit code from
// what is left in scope, the summary on stderr and as one JSON object (--json, and the runs
// table). Pure, so every ending is unit-tested without a queue.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/run_options.hpp"
#include "store/attempt_stats.hpp"
#include "store/records.hpp"

namespace oneall::cli {

// Jobs in a run's scope (the whole queue, or one batch) by the states that decide the exit code.
struct ScopeCounts {
  std::int64_t pending = 0;  // due or waiting for a retry; the scheduled ones are apart
  std::int64_t running = 0;
  std::int64_t failed = 0;
  std::int64_t dead = 0;
  std::optional<std::int64_t> batch;  // the scope: one batch, or the whole queue
  // Other runs working the queue now (PostgreSQL): the running jobs are in their hands, not
  // left behind by this run.
  std::int64_t other_live_runs = 0;
  // Pending jobs waiting for their not_before: not work left now (docs/formats.md#scheduled-jobs).
  std::int64_t scheduled = 0;
  std::optional<EpochMs> next_scheduled_at{};
  // Pending jobs (among `pending`) in a paused scope: no run takes them until `resume`, so they
  // are not left (docs/cli.md#pause-and-resume). `paused_scopes` names those scopes.
  std::int64_t paused = 0;
  std::string paused_scopes{};  // "queue", "batch:3, batch:5"
  // Jobs still waiting for a run to take them.
  std::int64_t left() const { return pending - paused + (other_live_runs > 0 ? 0 : running); }
};
// `run_id`: the run asking, not counted among the other live runs.
ScopeCounts count_scope(const store::QueueStatus& status, std::optional<std::int64_t> batch,
                        std::int64_t run_id = 0);

// 4 when stopped early with work left, else 1 if any job in scope failed or is dead, else 4 if
// work is left (held by a run that is gone, until its lease ends), else 0.
int run_exit_code(const ScopeCounts& scope, bool stopped_early);

// "none" | "signal" | "deadline" | "circuit_breaker" | "blocked"
std::string_view stop_cause_name(engine::StopCause cause);

// The runner's stop_reason, or one naming the cause if the runner gave none.
std::string stop_reason_text(const engine::RunSummary& summary);

double requests_per_second(const engine::RunSummary& summary);

// Lines for stderr, each ending in '\n':
//   run 7: 412 requests in 10.3 s (40.0/s): 400 succeeded, 6 failed, 4 dead, 7 retryable errors
//   stopped (deadline): the deadline passed; the rest is left for the next run
//   latency: p50 12 ms, p90 30 ms, p99 81 ms over 405 answered requests
//   1600 job(s) still waiting in scope (1600 pending, 0 running); run again to continue
//   40 job(s) wait in paused scopes (batch:3); `oneall-bulk resume` lets runs take them
// then, after a circuit breaker, how to send the refused jobs again, and for exit 1, where to
// look. The retryable errors are attempts, not jobs: the jobs still waiting are counted apart.
// `latency` is the run's own attempts' (Queue::latency of the run); its line is left out when
// the run got no answer.
std::string run_summary_text(std::int64_t run_id, const engine::RunSummary& summary,
                             const ScopeCounts& scope, int exit_code,
                             const store::LatencySummary& latency = {});

std::string run_summary_json(std::int64_t run_id, const engine::RunSummary& summary,
                             const ScopeCounts& scope, int exit_code,
                             const store::LatencySummary& latency = {});

}  // namespace oneall::cli
