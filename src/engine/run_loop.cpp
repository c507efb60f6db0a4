#include "engine/run_loop.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <utility>

#include "api/response.hpp"
#include "engine/attempt_row.hpp"
#include "engine/retry_policy.hpp"

namespace oneall::engine {
namespace {

constexpr EpochMs kNever = std::numeric_limits<EpochMs>::max();
constexpr EpochMs kMaxPollMs = 250;  // the longest one poll blocks: the stop flag's latency
// How often to look again for due jobs that could not be claimed (their object is busy).
constexpr EpochMs kBlockedRecheckMs = 250;
constexpr EpochMs kProgressEveryMs = 100;
// How long a finished transfer's completion may wait for others to share its commit.
constexpr EpochMs kGatherMs = 10;
// The paused scopes are read at least this often, so a pause stops the run's new requests
// within it and a turn of the writer, even while the run claims nothing ...
constexpr EpochMs kPausedCheckMs = 250;
// ... and with a claim, at most this often: a read is a round trip to a PostgreSQL server, and
// a busy run claims in hundreds of turns a second.
constexpr EpochMs kPausedCheckWithClaimMs = 50;

bool in_paused_scope(const store::ClaimedJob& job, const std::vector<store::PausedScope>& paused) {
  return std::any_of(paused.begin(), paused.end(), [&](const store::PausedScope& scope) {
    return !scope.batch_id || *scope.batch_id == job.batch_id;
  });
}

bool same_scopes(const std::vector<store::PausedScope>& a,
                 const std::vector<store::PausedScope>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const store::PausedScope& x, const store::PausedScope& y) {
                      return x.batch_id == y.batch_id;
                    });
}

std::string refusal_reason(int in_row, int last_status) {
  const char* likely =
      last_status == 401
          ? "the API does not accept these credentials: check ONEALL_SUBDOMAIN, "
            "ONEALL_PUBLIC_KEY and ONEALL_PRIVATE_KEY (or --endpoint), e.g. with "
            "`oneall-bulk check`"
          : "the API refuses access to these accounts: the users may have revoked their "
            "consent, or the site's keys lack the permission";
  return fmt::format("circuit breaker: {} answers in a row were 401/403 (last {}); {}", in_row,
                     last_status, likely);
}

}  // namespace

RunLoop::RunLoop(store::Queue& queue, const RunOptions& options, const Clock& clock,
                 const std::atomic<bool>& stop, const Runner::ProgressSink& progress,
                 std::int64_t run_id)
    : options_(options),
      clock_(clock),
      stop_(stop),
      progress_(progress),
      run_id_(run_id),
      multi_(curl_),
      api_headers_(options.credentials),
      gate_(options.rate, options.identity_rate),
      random_(options.random_seed.value_or(std::random_device{}())),
      concurrency_(static_cast<std::size_t>(std::max(1, options.concurrency))),
      writer_(queue, options, run_id, [this] { (void)multi_.wakeup(); }) {
  if (CURLMcode code = multi_.keep_connections(static_cast<long>(concurrency_)); code != CURLM_OK) {
    throw std::runtime_error(
        fmt::format("cannot size libcurl's connection cache: {}", curl_multi_strerror(code)));
  }
  if (queue.runs_at_once() && (options.rate || options.identity_rate)) {
    shared_rate_.emplace(options.rate, options.identity_rate);
  }
  for (std::size_t i = 0; i < 2 * concurrency_; ++i) {
    pool_.push_back(std::make_unique<InFlightRequest>(curl_, options_, api_headers_));
    idle_.push_back(pool_.back().get());
  }
}

Result<RunSummary> RunLoop::run() {
  started_ = clock_.now_ms();
  renew_at_ = started_ + std::max<EpochMs>(1, options_.lease_ms / 3);
  // Every job this run claims is claimed after this moment, with a whole lease.
  lease_horizon_ = started_ + options_.lease_ms;
  while (true) {
    const EpochMs now = clock_.now_ms();
    if (leases_running_out(now)) return leases_lost(now);
    note_stop_causes(now);
    if (std::optional<QueueWriter::Reply> reply = writer_.take_reply()) {
      if (Status applied = apply(std::move(*reply), now); !applied) return abort(applied.error());
      hand_over_turn(now);  // the writer goes on at once, while this turn starts its jobs
    }
    if (stopping()) {
      if (!stop_at_) {
        stop_at_ = now;
        if (Status released = release_ready(); !released) return abort(released.error());
      }
      if (in_flight() == 0 && all_written()) break;
      if (now - *stop_at_ >= options_.stop_grace_ms) {
        if (Status interrupted = interrupt_in_flight(); !interrupted) {
          return abort(interrupted.error());
        }
        break;
      }
    } else if (in_flight() == 0 && ready_.empty() && nothing_pending_ && all_written()) {
      break;
    }

    if (in_flight() > 0) {
      if (Status advanced = advance_transfers(); !advanced) return abort(advanced.error());
    }
    // Into the free slots, those of the transfers that just ended among them: the jobs go out
    // with this poll, not after the next event.
    if (!stopping()) {
      if (Status started = start_ready(clock_.now_ms()); !started) return abort(started.error());
    }
    hand_over_turn(clock_.now_ms());
    report_progress(clock_.now_ms(), false);
    // The writer's reply, like a socket event, ends the wait (its thread wakes the poll).
    if (CURLMcode code = multi_.poll(poll_timeout_ms()); code != CURLM_OK) {
      return abort(Error{
          fmt::format("waiting for the transfers' sockets failed: {}", curl_multi_strerror(code))});
    }
  }

  if (stopping() && summary_.stop_cause != StopCause::kBlocked) {
    Result<bool> remains = pending_remains();
    if (!remains) return abort(remains.error());
    summary_.stopped_early = *remains;
    if (!*remains && summary_.stop_cause != StopCause::kCircuitBreaker) {
      summary_.stop_cause = StopCause::kNone;  // stopped as the last job ended: nothing lost
      summary_.stop_reason.clear();
    }
  }
  summary_.duration_ms = clock_.now_ms() - started_;
  summary_.in_flight = 0;
  report_progress(clock_.now_ms(), true);
  return summary_;
}

bool RunLoop::leases_running_out(EpochMs now) const {
  return now + options_.timeout_ms + options_.fence_margin_ms > lease_horizon_;
}

// The queue has not confirmed a renewal for most of a lease: another runner will soon take
// this run's jobs back. Nothing more may start, and waiting for the queue could outlast the
// leases, so the call in the writer's hands is cut off, transfers in flight are aborted, and
// the run ends with an error. Their jobs come back to the queue when the leases run out; an
// attempt that may have reached the server is then logged as interrupted.
Error RunLoop::leases_lost(EpochMs now) {
  writer_.interrupt_queue();
  return abort(Error{fmt::format(
      "the queue {} confirmed no lease renewal for {} ms (lease {} ms): stopped sending before "
      "the leases run out, so that no job is sent here and by another run at once; the jobs "
      "this run held go back to the queue when their leases end",
      writer_.queue_path(), now - (lease_horizon_ - options_.lease_ms), options_.lease_ms)});
}

void RunLoop::stop_because(StopCause cause, std::string reason) {
  if (stopping()) return;  // the first cause is the one to report
  summary_.stop_cause = cause;
  summary_.stop_reason = std::move(reason);
  summary_.stopped_early = true;  // until the end shows that nothing remains
}

void RunLoop::note_stop_causes(EpochMs now) {
  if (stop_.load()) stop_because(StopCause::kSignal, "asked to stop (signal)");
  if (options_.deadline && now >= *options_.deadline) {
    stop_because(StopCause::kDeadline, "the deadline passed; the rest is left for the next run");
  }
  if (blocked_since_ && in_flight() == 0 && ready_.empty() &&
      now - *blocked_since_ >= options_.blocked_wait_ms) {
    stop_because(StopCause::kBlocked,
                 fmt::format("due jobs stayed blocked for {} ms by earlier jobs on the same "
                             "objects that another run is working on; run again once it is done",
                             options_.blocked_wait_ms));
  }
}

// Room for more claimed jobs: in flight and ready together up to twice the concurrency. A
// request that ends finds a job ready to take its place at once, without waiting for the
// writer's next claim; and with identity limits, jobs of other identities can pass one whose
// identity must wait.
std::size_t RunLoop::ready_room() const {
  const std::size_t window = 2 * concurrency_;
  const std::size_t held = in_flight() + ready_.size();
  return held >= window ? 0 : window - held;
}

// Hands the writer this turn's completions (their slots wait for the reply), a claim for the
// room they and the idle slots leave, and the lease renewal when it is due. One turn at a time:
// while one is in hand, completions gather for the next.
void RunLoop::hand_over_turn(EpochMs now) {
  if (writer_.in_hand()) return;
  QueueWriter::Turn turn;
  turn.claim = stopping() || now < claim_at_ ? 0 : ready_room();
  turn.renew_leases = now >= renew_at_;
  const EpochMs paused_read_every = turn.claim > 0 ? kPausedCheckWithClaimMs : kPausedCheckMs;
  turn.read_paused = !stopping() && now - paused_read_at_ >= paused_read_every;
  if (shared_rate_) {
    turn.holds = shared_rate_->take_holds();
    if (!stopping()) turn.reservations = shared_rate_->take_reservations(ready_.size());
  }
  if (!turn_is_due(now, turn)) return;  // holds and reservations make a turn due
  if (turn.renew_leases) {
    renew_at_ = now + std::max<EpochMs>(1, options_.lease_ms / 3);
    renewal_sent_ = now;
  }
  if (turn.read_paused) paused_read_at_ = now;
  turn.completions = std::move(finished_);
  finished_.clear();
  committing_ = std::move(finished_slots_);
  finished_slots_.clear();
  claiming_ = turn.claim;
  writer_.hand_over(std::move(turn));
}

// A turn costs a commit and a wake-up of each thread whatever its size, so completions gather
// until there are half a window of them or the oldest has waited kGatherMs (the spare slots
// carry the run meanwhile). A claim the ready jobs will soon need, a lease renewal, a stop, or
// nothing left in flight to end the poll hands the turn over at once.
bool RunLoop::turn_is_due(EpochMs now, const QueueWriter::Turn& turn) const {
  if (turn.renew_leases || !turn.reservations.empty() || !turn.holds.empty()) return true;
  if (turn.read_paused && now - paused_read_at_ >= kPausedCheckMs) return true;
  if (turn.claim > 0 && ready_running_low()) return true;
  if (finished_.empty()) return false;
  return stopping() || in_flight() == 0 || finished_.size() >= half_window() ||
         now - gathering_since_ >= kGatherMs;
}

// The writer wrote a turn: its slots are free, its claimed jobs ready. Claimed jobs are taken
// even from a reply that reports an error, so that abort() gives them back.
Status RunLoop::apply(QueueWriter::Reply reply, EpochMs now) {
  idle_.insert(idle_.end(), committing_.begin(), committing_.end());
  committing_.clear();
  const std::size_t wanted = std::exchange(claiming_, 0);
  const std::size_t got = reply.claimed.size();
  for (auto& job : reply.claimed) ready_.push_back(std::move(job));
  const std::optional<EpochMs> renewal = std::exchange(renewal_sent_, std::nullopt);
  if (shared_rate_) shared_rate_->granted(reply.windows);
  if (!reply.written) return reply.written.error();
  // The queue renewed the leases after `renewal`, each for a whole lease from then on.
  if (renewal) lease_horizon_ = std::max(lease_horizon_, *renewal + options_.lease_ms);
  if (wanted > 0) note_claim(wanted, got, reply.next_pending_at, now);
  if (reply.paused) {
    Result<bool> changed = note_paused(std::move(*reply.paused));
    if (!changed) return changed.error();
    // Jobs given back, or a scope resumed: what is claimable, and whether any work is left,
    // changed; the next turn asks again.
    if (*changed) claim_at_ = 0;
  }
  // Completions gathered since that turn was handed over may have freed an object or left a
  // retry: look again, whatever the reply said.
  if (!finished_.empty()) claim_at_ = 0;
  return Ok{};
}

void RunLoop::note_claim(std::size_t wanted, std::size_t got,
                         std::optional<EpochMs> next_pending_at, EpochMs now) {
  if (got == wanted) {  // there may be more: claim again as soon as there is room
    claim_at_ = now;
    nothing_pending_ = false;
    blocked_since_.reset();
    return;
  }
  // Everything claimable then is ours. The writer said when more can be, so the loop neither
  // spins on the queue nor misses a retry coming due.
  nothing_pending_ = !next_pending_at.has_value();
  if (nothing_pending_) {
    claim_at_ = kNever;  // until a transfer finishes: it may leave a retry or free an object
    blocked_since_.reset();
  } else if (*next_pending_at > now) {
    // A retry waiting for its backoff, or a job scheduled before the deadline.
    claim_at_ = *next_pending_at;
    blocked_since_.reset();
  } else {
    // Due but not claimable: an earlier job on the same object is running. If it is ours, its
    // end sets claim_at_; if it is another run's, only time tells, so look again shortly.
    claim_at_ = now + kBlockedRecheckMs;
    if (in_flight() > 0 || !ready_.empty()) {
      blocked_since_.reset();
    } else if (!blocked_since_) {
      blocked_since_ = now;
    }
  }
}

Result<store::Queue*> RunLoop::settled_queue() {
  if (writer_.in_hand()) {
    if (Status applied = apply(writer_.wait_for_reply(), clock_.now_ms()); !applied) {
      return applied.error();
    }
  }
  return &writer_.queue();
}

// Starts ready jobs, in claim order, into free slots while the run's rate allows; a job whose
// identity must wait is passed over (jobs on one object are never both ready, so passing over
// cannot reorder an object's jobs).
Status RunLoop::start_ready(EpochMs now) {
  start_at_ = kNever;
  for (auto it = ready_.begin(); it != ready_.end() && can_start() && !leases_running_out(now);) {
    const EpochMs run_at = gate_.run_ready_at(now);
    if (run_at > now) {
      start_at_ = run_at;
      break;
    }
    const EpochMs identity_at = gate_.identity_ready_at(it->identity, now);
    if (identity_at > now) {
      start_at_ = std::min(start_at_, identity_at);
      ++it;
      continue;
    }
    if (shared_rate_) {
      // A scope with no reserved send left waits for the writer's reply (it wakes the poll).
      bool run_scope_waits = false;
      const EpochMs shared_at = shared_rate_->ready_at(it->identity, now, run_scope_waits);
      if (shared_at > now) {
        if (shared_at != SharedRate::kNotReserved) start_at_ = std::min(start_at_, shared_at);
        if (run_scope_waits) break;
        ++it;
        continue;
      }
      shared_rate_->started(it->identity);
    }
    gate_.started(it->identity, now);
    store::ClaimedJob job = std::move(*it);
    it = ready_.erase(it);
    if (Status started = start(std::move(job), now); !started) return started;
  }
  return Ok{};
}

Status RunLoop::start(store::ClaimedJob job, EpochMs now) {
  InFlightRequest* request = idle_.back();
  const std::int64_t job_id = job.job_id;
  Status prepared = request->prepare(std::move(job), now);
  if (!prepared) {
    release_unsent(job_id);
    return Error{
        fmt::format("cannot prepare the request of job {}: {}", job_id, prepared.error().message)};
  }
  if (CURLMcode code = request->attach(multi_); code != CURLM_OK) {
    release_unsent(job_id);
    return Error{
        fmt::format("cannot start the request of job {}: {}", job_id, curl_multi_strerror(code))};
  }
  idle_.pop_back();
  return Ok{};
}

Status RunLoop::advance_transfers() {
  int running = 0;
  if (CURLMcode code = multi_.perform(running); code != CURLM_OK) {
    return Error{
        fmt::format("libcurl could not move the transfers along: {}", curl_multi_strerror(code))};
  }
  while (std::optional<CurlMulti::Done> done = multi_.next_done()) {
    InFlightRequest& request = InFlightRequest::from_owner(done->owner);
    request.detach();
    // The slot stays unused until its completion is committed: a crash then costs at most one
    // request sent twice per slot, 2 x concurrency (those in flight, or finished but not yet
    // committed).
    finished_slots_.push_back(&request);
    claim_at_ = 0;  // a slot is freeing, and the job's object-mates (or its retry) may be claimable
    if (Status recorded = record(request, done->result); !recorded) return recorded;
  }
  return Ok{};
}

Status RunLoop::record(InFlightRequest& request, CURLcode result) {
  const EpochMs ended = clock_.now_ms();
  const store::ClaimedJob& job = request.job();
  const api::ApiStatus api = answers_.parse(request.response_body());

  AttemptResult outcome;
  outcome.op = job.op;
  outcome.attempt = job.attempt;
  // After `retry`, a job's attempts count again from attempt_base (its audit rows keep their
  // numbers): --max-attempts more, and the backoff starts over.
  outcome.max_attempts = job.attempt_base + options_.max_attempts;
  outcome.curl_code = request.answer_result(result);
  outcome.request_sent = request.request_sent();
  outcome.http_status = request.http_status();
  outcome.api_flag = api.flag;
  outcome.resent_by_libcurl = request.times_sent() > 1;
  outcome.missing_ok = options_.missing_ok;
  if (needs_attempt_history(outcome)) {
    store::AttemptFilter filter;
    filter.job_id = job.job_id;
    Result<store::Queue*> queue = settled_queue();
    if (!queue) return queue.error();
    auto earlier = (*queue)->attempts(filter);
    if (!earlier) return earlier.error();
    outcome.earlier_attempt_may_have_reached_server =
        std::any_of(earlier->begin(), earlier->end(),
                    [](const store::AttemptRow& row) { return may_have_reached_server(row); });
  }
  const Decision decision = classify(outcome);
  if (outcome.curl_code == CURLE_OK) watch_for_refusals(outcome.http_status);
  if (outcome.curl_code == CURLE_OK && outcome.http_status == 429) {
    gate_.throttled(job.identity, ended);
    if (shared_rate_) shared_rate_->throttled(job.identity, ended);
  }

  store::JobTransition next{decision.next, 0, decision.note};
  if (decision.next == store::JobState::kPending) {
    const std::int64_t backoff = backoff_ms(job.attempt - job.attempt_base, options_.retry_base_ms,
                                            options_.retry_cap_ms, random_);
    next.next_attempt_at =
        ended + retry_delay_ms(backoff, parse_retry_after_ms(request.retry_after(), ended));
    ++summary_.retries;
  }
  ++summary_.requests;
  if (finished_.empty()) gathering_since_ = ended;
  if (decision.next == store::JobState::kSucceeded) ++summary_.succeeded;
  if (decision.next == store::JobState::kFailed) {
    ++summary_.failed;
    if (outcome.curl_code == CURLE_OK &&
        (outcome.http_status == 401 || outcome.http_status == 403)) {
      ++summary_.refused;
    }
  }
  if (decision.next == store::JobState::kDead) ++summary_.dead;
  finished_.push_back(
      {attempt_row(run_id_, request, result, api, decision, ended, options_.credentials), next});
  summary_.metrics.count(finished_.back().attempt);
  return Ok{};
}

// docs/cli.md#the-circuit-breaker: 401/403 answers in a row mean the keys or the users' consent
// are gone, and every further request would fail the same way.
void RunLoop::watch_for_refusals(int http_status) {
  if (http_status != 401 && http_status != 403) {
    refusals_in_row_ = 0;
    return;
  }
  ++refusals_in_row_;
  if (options_.breaker_threshold > 0 && refusals_in_row_ >= options_.breaker_threshold) {
    stop_because(StopCause::kCircuitBreaker, refusal_reason(refusals_in_row_, http_status));
  }
}

// The stop grace is over: the answers still out will not be waited for. A request that never
// went out is released; one that did is recorded as interrupted (it may have been applied) and
// its job goes back to pending, due at once, so the next run sends it again.
Status RunLoop::interrupt_in_flight() {
  Result<store::Queue*> queue = settled_queue();
  if (!queue) return queue.error();
  const EpochMs now = clock_.now_ms();
  const Decision interrupted{store::JobState::kPending, "interrupted",
                             "the run stopped before the answer came"};
  std::vector<std::int64_t> unsent;
  for (InFlightRequest* request : detach_transfers(unsent)) {
    finished_.push_back({attempt_row(run_id_, *request, CURLE_ABORTED_BY_CALLBACK, api::ApiStatus{},
                                     interrupted, now, options_.credentials),
                         {store::JobState::kPending, now, interrupted.note}});
    ++summary_.requests;
    summary_.metrics.count(finished_.back().attempt);
  }
  for (std::int64_t job_id : unsent) {
    if (Status released = (*queue)->release(job_id); !released) return released;
  }
  // With the completions gathered since the last turn, written here: the run ends now.
  Status committed = (*queue)->finish(finished_);
  finished_.clear();
  idle_.insert(idle_.end(), finished_slots_.begin(), finished_slots_.end());
  finished_slots_.clear();
  return committed;
}

std::vector<InFlightRequest*> RunLoop::detach_transfers(std::vector<std::int64_t>& unsent) {
  std::vector<InFlightRequest*> sent;
  for (auto& request : pool_) {
    if (!request->attached()) continue;
    const bool went_out = request->request_sent();
    request->detach();
    idle_.push_back(request.get());
    if (went_out) {
      sent.push_back(request.get());
    } else {
      unsent.push_back(request->job().job_id);
    }
  }
  return sent;
}

Status RunLoop::release_ready() {
  Result<store::Queue*> queue = settled_queue();
  if (!queue) return queue.error();
  while (!ready_.empty()) {
    const std::int64_t job_id = ready_.front().job_id;
    ready_.pop_front();
    if (Status released = (*queue)->release(job_id); !released) return released;
  }
  return Ok{};
}

Result<bool> RunLoop::note_paused(std::vector<store::PausedScope> paused) {
  bool changed = !same_scopes(paused, paused_);
  paused_ = std::move(paused);
  store::Queue& queue = writer_.queue();  // the reply is in: the writer holds no turn
  for (auto it = ready_.begin(); it != ready_.end();) {
    if (!in_paused_scope(*it, paused_)) {
      ++it;
      continue;
    }
    if (Status released = queue.release(it->job_id); !released) return released.error();
    it = ready_.erase(it);
    changed = true;
  }
  return changed;
}

// A job claimed but never sent goes back (best effort: if this fails, the lease runs out).
void RunLoop::release_unsent(std::int64_t job_id) {
  if (Result<store::Queue*> queue = settled_queue()) (void)(*queue)->release(job_id);
}

Result<bool> RunLoop::pending_remains() {
  Result<store::Queue*> queue = settled_queue();
  if (!queue) return queue.error();
  auto next = (*queue)->next_pending_at(options_.batch);
  if (!next) return next.error();
  return next->has_value();
}

int RunLoop::poll_timeout_ms() const {
  const EpochMs now = clock_.now_ms();
  EpochMs until = now + kMaxPollMs;
  if (stopping()) {
    if (stop_at_) until = std::min(until, *stop_at_ + options_.stop_grace_ms);
  } else {
    if (!writer_.in_hand() && ready_room() > 0 && ready_running_low()) {
      until = std::min(until, claim_at_);
    }
    if (can_start() && !ready_.empty()) until = std::min(until, start_at_);
    if (options_.deadline) until = std::min(until, *options_.deadline);
  }
  if (!writer_.in_hand()) {
    until = std::min(until, renew_at_);
    if (!finished_.empty()) until = std::min(until, gathering_since_ + kGatherMs);
  }
  // At least 1 ms, so a time just passed cannot turn the loop into a busy spin.
  return static_cast<int>(std::clamp<EpochMs>(until - now, 1, kMaxPollMs));
}

void RunLoop::report_progress(EpochMs now, bool force) {
  if (!progress_ || (!force && now < progress_at_)) return;
  progress_at_ = now + kProgressEveryMs;
  RunSummary so_far = summary_;
  so_far.duration_ms = now - started_;
  so_far.in_flight = static_cast<std::int64_t>(in_flight());
  progress_(so_far);
}

// A storage or system error ends the run. Ready jobs are released. Transfers are taken off the
// multi handle (which aborts them): a job whose request never went out is released; one whose
// request may have reached the server stays running under our lease, so the next run logs that
// attempt as interrupted instead of forgetting it.
Error RunLoop::abort(Error error) {
  if (writer_.in_hand()) (void)apply(writer_.wait_for_reply(), clock_.now_ms());
  (void)release_ready();  // best effort: the lease covers what it misses
  std::vector<std::int64_t> unsent;
  (void)detach_transfers(unsent);  // those that went out stay leased
  for (std::int64_t job_id : unsent) release_unsent(job_id);
  return error;
}

}  // namespace oneall::engine
