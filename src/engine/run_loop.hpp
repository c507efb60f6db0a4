// One run's event loop (internal to src/engine/; Runner is the public face). It owns the multi
// handle, the pool of reusable requests, the jobs claimed but not started yet (`ready_`), the
// send gate (rate limits), the queue's writer thread, and what the queue said last. Each turn:
//   1. notes why to stop, if it should (signal, deadline, circuit breaker, blocked);
//   2. takes the writer's reply, if one came: the slots of the committed completions are free
//      again, the jobs it claimed are ready; and hands the writer its next turn at once;
//   3. moves transfers along and classifies the ones that finished (attempt row, next state);
//   4. starts ready jobs into free slots, those just freed among them, as far as the rate
//      limits allow;
//   5. if the writer is idle and a turn is worth its commit (half a window of completions, the
//      oldest 10 ms old, ready jobs running low, a lease renewal, a look at the paused scopes
//      or a stop), hands it a turn: the completions gathered so far, a claim for the room they
//      and the idle slots leave (when work may be due), the lease renewal when due, and a read
//      of the paused scopes (every 250 ms, or 50 with a claim); it writes them in one
//      transaction while the loop goes on;
//   6. polls sockets until the earliest of: activity, the writer's reply, a retry or rate slot
//      coming due, a lease renewal, the deadline, the end of the stop grace, or 250 ms (the
//      stop flag's latency).
// At most `concurrency` requests are in flight; the pool has twice as many slots, because a
// finished transfer's slot is used again only once its completion is committed, and meanwhile
// another slot sends the next ready job. So a crash repeats at most 2 x concurrency requests
// (those in flight, and those finished but not committed).
// Pause (docs/cli.md#pause-and-resume): claims never take a job in a paused scope, and ready
// jobs of a scope paused since they were claimed are given back when a reply shows the pause
// (within 50 ms of claiming, or 250 ms); requests already started finish. Jobs in paused scopes
// are no work left, so a run whose whole scope is paused ends once its transfers have.
// Once stopping, it claims and starts nothing, gives ready jobs back, lets transfers in flight
// finish for stop_grace_ms, then records the rest as interrupted (their jobs go back to
// pending) and ends. The loop uses the queue directly only between the writer's turns
// (settled_queue()): to give jobs back, read a job's attempts, and at the end.
// Fencing (docs/cli.md#many-runners): the run's leases are good until lease_horizon_, a lease
// after the last renewal the queue confirmed. A request starts only if it must end (its
// timeout) a margin before that; once no request could, the database has not answered for too
// long, and the run cuts its queue's connection and ends with an error, so that no job it held
// is ever in flight here when another runner takes it over.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <random>
#include <vector>

#include "api/response.hpp"
#include "engine/curl_handles.hpp"
#include "engine/in_flight_request.hpp"
#include "engine/queue_writer.hpp"
#include "engine/rate_limiter.hpp"
#include "engine/run_options.hpp"
#include "engine/runner.hpp"
#include "engine/shared_rate.hpp"
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
  std::size_t in_flight() const {
    return pool_.size() - idle_.size() - finished_slots_.size() - committing_.size();
  }
  bool all_written() const { return finished_.empty() && !writer_.in_hand(); }
  bool can_start() const { return !idle_.empty() && in_flight() < concurrency_; }
  std::size_t half_window() const { return std::max<std::size_t>(1, concurrency_ / 2); }
  bool ready_running_low() const { return ready_.size() < half_window(); }
  std::size_t ready_room() const;

  void note_stop_causes(EpochMs now);
  // True once a request starting at `now` could outlive the leases the queue confirmed.
  bool leases_running_out(EpochMs now) const;
  Error leases_lost(EpochMs now);
  void stop_because(StopCause cause, std::string reason);
  void hand_over_turn(EpochMs now);
  bool turn_is_due(EpochMs now, const QueueWriter::Turn& turn) const;
  Status apply(QueueWriter::Reply reply, EpochMs now);
  void note_claim(std::size_t wanted, std::size_t got, std::optional<EpochMs> next_pending_at,
                  EpochMs now);
  // The queue, for use on this thread: waits for the writer's turn in hand, if any, and applies
  // its reply first.
  Result<store::Queue*> settled_queue();
  Status start_ready(EpochMs now);
  Status start(store::ClaimedJob job, EpochMs now);
  Status advance_transfers();
  // Classifies a finished transfer and adds its attempt row and next state to finished_.
  Status record(InFlightRequest& request, CURLcode result);
  void watch_for_refusals(int http_status);
  Status interrupt_in_flight();
  // Takes every transfer off the multi handle (which aborts it) and frees its slot. Returns the
  // requests that had gone out; the jobs of those that had not are added to `unsent`.
  std::vector<InFlightRequest*> detach_transfers(std::vector<std::int64_t>& unsent);
  Status release_ready();
  // Keeps the paused scopes a reply read and gives back the ready jobs in them; true if that
  // changed anything (a scope paused or resumed, a job given back).
  Result<bool> note_paused(std::vector<store::PausedScope> paused);
  void release_unsent(std::int64_t job_id);
  Result<bool> pending_remains();
  int poll_timeout_ms() const;
  void report_progress(EpochMs now, bool force);
  Error abort(Error error);

  const RunOptions& options_;
  const Clock& clock_;
  const std::atomic<bool>& stop_;
  const Runner::ProgressSink& progress_;
  const std::int64_t run_id_;

  CurlGlobal curl_;
  CurlMulti multi_;
  const ApiHeaders api_headers_;  // shared by the slots' handles
  api::ResponseParser answers_;
  // Declared after multi_, so destroyed first: each request takes its handle off multi_.
  std::vector<std::unique_ptr<InFlightRequest>> pool_;
  std::vector<InFlightRequest*> idle_;
  std::deque<store::ClaimedJob> ready_;           // claimed (leased, counted), not started yet
  std::vector<store::Completion> finished_;       // completions for the writer's next turn
  std::vector<InFlightRequest*> finished_slots_;  // their slots
  std::vector<InFlightRequest*> committing_;      // slots of the turn in the writer's hands
  std::size_t claiming_ = 0;                      // jobs that turn asked to claim
  SendGate gate_;
  // Set when the queue takes several runs at once and a rate is given: the rate is then the
  // queue's, shared by all its runs.
  std::optional<SharedRate> shared_rate_;
  std::mt19937_64 random_;
  const std::size_t concurrency_;  // requests in flight at most; the pool has twice as many slots

  EpochMs started_ = 0;
  EpochMs claim_at_ = 0;                  // do not ask the queue for work before this
  EpochMs start_at_ = 0;                  // a ready job may start then (rate limits)
  bool nothing_pending_ = false;          // the last look found no pending job at all
  std::optional<EpochMs> blocked_since_;  // due jobs unclaimable with nothing of ours to do
  std::optional<EpochMs> stop_at_;        // when stopping began
  EpochMs renew_at_ = 0;
  EpochMs paused_read_at_ = 0;              // when a turn last read the paused scopes
  std::vector<store::PausedScope> paused_;  // as the last read found them
  EpochMs lease_horizon_ = 0;            // every job this run holds is leased at least till then
  std::optional<EpochMs> renewal_sent_;  // when the renewal in the writer's hands was asked for
  EpochMs progress_at_ = 0;
  EpochMs gathering_since_ = 0;  // when the oldest completion in finished_ ended
  int refusals_in_row_ = 0;      // 401/403 answers since the last other answer
  RunSummary summary_;
  // Last: its thread stops (finishing the turn in hand) before anything it uses goes.
  QueueWriter writer_;
};

}  // namespace oneall::engine
