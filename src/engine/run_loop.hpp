// One run's event loop (internal to src/engine/; Runner is the public face). It owns the multi
// handle, the pool of reusable requests, the jobs claimed but not started yet (`ready_`), the
// send gate (rate limits), and what the queue said last. Each turn of the loop:
//   1. notes why to stop, if it should (signal, deadline, circuit breaker, blocked);
//   2. claims a window of jobs when there is room and work may be due;
//   3. starts ready jobs into free slots, as far as the rate limits allow;
//   4. moves transfers along and records the ones that finished — attempt rows and next states
//      of the whole turn in one transaction, committed before a freed slot is used again —
//      then renews leases;
//   5. polls sockets until the earliest of: activity, a retry or rate slot coming due, a lease
//      renewal, the deadline, the end of the stop grace, or 250 ms (the stop flag's latency).
// Once stopping, it claims and starts nothing, gives ready jobs back, lets transfers in flight
// finish for stop_grace_ms, then records the rest as interrupted (their jobs go back to
// pending) and ends.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <random>
#include <vector>

#include "engine/curl_handles.hpp"
#include "engine/in_flight_request.hpp"
#include "engine/rate_limiter.hpp"
#include "engine/run_options.hpp"
#include "engine/runner.hpp"
#include "store/queue.hpp"
#include "util/clock.hpp"
#include "util/result.hpp"

namespace oneall::engine {

class RunLoop {
 public:
  RunLoop(store::Queue& queue, const RunOptions& options, const Clock& clock,
          const std::atomic<bool>& stop, const Runner::ProgressSink& progress, std::int64_t run_id);

  Result<RunSummary> run();

 private:
  bool stopping() const { return summary_.stop_cause != StopCause::kNone; }
  std::size_t in_flight() const { return pool_.size() - idle_.size(); }
  std::size_t ready_room() const;

  void note_stop_causes(EpochMs now);
  void stop_because(StopCause cause, std::string reason);
  Status claim_ready(EpochMs now);
  Status start_ready(EpochMs now);
  Status start(store::ClaimedJob job, EpochMs now);
  Result<int> advance_transfers();  // number of transfers that finished and were recorded
  // Classifies a finished transfer and adds its attempt row and next state to finished_.
  Status record(InFlightRequest& request, CURLcode result);
  void watch_for_refusals(int http_status);
  Status interrupt_in_flight();
  // Takes every transfer off the multi handle (which aborts it) and frees its slot. Returns the
  // requests that had gone out; the jobs of those that had not are added to `unsent`.
  std::vector<InFlightRequest*> detach_transfers(std::vector<std::int64_t>& unsent);
  Status release_ready();
  Status renew_leases_if_due();
  Result<bool> pending_remains();
  int poll_timeout_ms() const;
  void report_progress(EpochMs now, bool force);
  Error abort(Error error);

  store::Queue& queue_;
  const RunOptions& options_;
  const Clock& clock_;
  const std::atomic<bool>& stop_;
  const Runner::ProgressSink& progress_;
  const std::int64_t run_id_;

  CurlGlobal curl_;
  CurlMulti multi_;
  // Declared after multi_, so destroyed first: each request takes its handle off multi_.
  std::vector<std::unique_ptr<InFlightRequest>> pool_;
  std::vector<InFlightRequest*> idle_;
  std::deque<store::ClaimedJob> ready_;      // claimed (leased, counted), not started yet
  std::vector<store::Completion> finished_;  // this turn's completions, committed together
  SendGate gate_;
  std::mt19937_64 random_;

  EpochMs started_ = 0;
  EpochMs claim_at_ = 0;                  // do not ask the queue for work before this
  EpochMs start_at_ = 0;                  // a ready job may start then (rate limits)
  bool nothing_pending_ = false;          // the last look found no pending job at all
  std::optional<EpochMs> blocked_since_;  // due jobs unclaimable with nothing of ours to do
  std::optional<EpochMs> stop_at_;        // when stopping began
  EpochMs renew_at_ = 0;
  EpochMs progress_at_ = 0;
  int refusals_in_row_ = 0;  // 401/403 answers since the last other answer
  RunSummary summary_;
};

}  // namespace oneall::engine
