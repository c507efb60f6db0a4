// The runner: one event loop over libcurl's multi interface (no thread per request, no
// sleeping) that keeps up to `concurrency` requests in flight, claiming jobs from the queue in
// windows as slots free, starting them as the rate limits allow, and recording every finished
// attempt (and the job's next state) through a writer thread that commits each turn's
// completions with the next claim. It waits inside the poll for retries to come due, renews its
// leases, and ends when nothing is in flight and nothing is runnable, or when it is told to
// stop. Its parts: run_loop (the loop), queue_writer (the writer thread), curl_handles (owners,
// and the socket-event driver), in_flight_request (one transfer), rate_limiter (GCRA limits),
// retry_policy (pure decisions), attempt_row (the audit row), wal_checkpointer (the log's
// checkpoints).
#pragma once

#include <atomic>
#include <functional>

#include "engine/run_options.hpp"
#include "store/queue.hpp"
#include "util/clock.hpp"
#include "util/result.hpp"

namespace oneall::engine {

class Runner {
 public:
  // `stop` is the signal flag: once true, the runner claims nothing new, gives back jobs it
  // claimed but did not start, lets requests in flight finish for options.stop_grace_ms, records
  // the rest as interrupted, and returns.
  Runner(store::Queue& queue, RunOptions options, const Clock& clock,
         const std::atomic<bool>& stop);

  // Called on the runner's thread about every 100 ms while the run goes and once at its end,
  // with the counts so far (duration_ms: time since the start). Keep it cheap.
  using ProgressSink = std::function<void(const RunSummary& so_far)>;
  void on_progress(ProgressSink sink) { progress_ = std::move(sink); }

  // Works the queue until nothing is runnable, or a stop: the signal flag, options.deadline, the
  // circuit breaker (options.breaker_threshold 401/403 answers in a row), or due jobs held by
  // another run for options.blocked_wait_ms. stop_cause and stop_reason say which;
  // stopped_early says whether work remains. An Error is a storage or
  // system error: the run ends at once, transfers are dropped, jobs never sent are released and
  // jobs whose request may have reached the server stay leased (the next run logs them as
  // interrupted).
  Result<RunSummary> run(std::int64_t run_id);

 private:
  store::Queue& queue_;
  RunOptions options_;
  const Clock& clock_;
  const std::atomic<bool>& stop_;
  ProgressSink progress_;
};

}  // namespace oneall::engine
