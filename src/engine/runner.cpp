#include "engine/runner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <limits>
#include <memory>
#include <random>
#include <vector>

#include "api/response.hpp"
#include "engine/attempt_row.hpp"
#include "engine/curl_handles.hpp"
#include "engine/in_flight_request.hpp"
#include "engine/retry_policy.hpp"

namespace oneall::engine {
namespace {

constexpr EpochMs kNever = std::numeric_limits<EpochMs>::max();
constexpr EpochMs kMaxPollMs = 250;  // the longest one poll blocks: the stop flag's latency
// How often to look again for due jobs that could not be claimed (their object is busy).
constexpr EpochMs kBlockedRecheckMs = 250;

// One run's state: the multi handle, the pool of reusable requests, and what the queue said
// last. Runner::run makes one, runs it, and throws it away.
class RunLoop {
 public:
  RunLoop(store::Queue& queue, const RunOptions& options, const Clock& clock,
          const std::atomic<bool>& stop, std::int64_t run_id)
      : queue_(queue),
        options_(options),
        clock_(clock),
        stop_(stop),
        run_id_(run_id),
        multi_(curl_),
        random_(options.random_seed.value_or(std::random_device{}())) {
    const int slots = std::max(1, options_.concurrency);
    for (int i = 0; i < slots; ++i) {
      pool_.push_back(std::make_unique<InFlightRequest>(curl_));
      idle_.push_back(pool_.back().get());
    }
  }

  Result<RunSummary> run();

 private:
  bool stopping() const { return stop_.load(); }
  std::size_t in_flight() const { return pool_.size() - idle_.size(); }
  Status claim_into_free_slots();
  Status start(store::ClaimedJob job);
  Result<int> advance_transfers();  // number of transfers that finished and were recorded
  Status record(InFlightRequest& request, CURLcode result);
  Status renew_leases_if_due();
  int poll_timeout_ms() const;
  Error abort(Error error);

  store::Queue& queue_;
  const RunOptions& options_;
  const Clock& clock_;
  const std::atomic<bool>& stop_;
  const std::int64_t run_id_;

  CurlGlobal curl_;
  CurlMulti multi_;
  // Declared after multi_, so destroyed first: each request takes its handle off multi_.
  std::vector<std::unique_ptr<InFlightRequest>> pool_;
  std::vector<InFlightRequest*> idle_;
  std::mt19937_64 random_;

  EpochMs claim_at_ = 0;                  // do not ask the queue for work before this
  bool nothing_pending_ = false;          // the last look found no pending job at all
  std::optional<EpochMs> blocked_since_;  // due jobs unclaimable with nothing of ours in flight
  EpochMs renew_at_ = 0;
  RunSummary summary_;
};

Result<RunSummary> RunLoop::run() {
  const EpochMs started = clock_.now_ms();
  renew_at_ = started + options_.lease_ms / 3;
  while (true) {
    // 1. Free slots and work may be due: claim a window of jobs and start them.
    // (The rate limiter slots in here: it will bound how many may start now.)
    if (!stopping() && !idle_.empty() && clock_.now_ms() >= claim_at_) {
      if (Status claimed = claim_into_free_slots(); !claimed) return abort(claimed.error());
    }

    // 2. Nothing in flight: finished, stopping, blocked by another run, or waiting for a
    // retry's time to come.
    if (in_flight() == 0) {
      if (stopping()) {
        auto next = queue_.next_pending_at(options_.batch);
        if (!next) return abort(next.error());
        if (next->has_value()) {
          summary_.stopped_early = true;
          summary_.stop_cause = StopCause::kSignal;
          summary_.stop_reason = "asked to stop; pending jobs remain";
        }
        break;
      }
      if (nothing_pending_) break;
      if (blocked_since_ && clock_.now_ms() - *blocked_since_ >= options_.blocked_wait_ms) {
        summary_.stopped_early = true;
        summary_.stop_cause = StopCause::kBlocked;
        summary_.stop_reason = fmt::format(
            "due jobs stayed blocked for {} ms by earlier jobs on the same objects that another "
            "run is working on; run again once it is done",
            options_.blocked_wait_ms);
        break;
      }
      if (CURLMcode code = multi_.poll(poll_timeout_ms()); code != CURLM_OK) {
        return abort(Error{fmt::format("waiting for work failed: {}", curl_multi_strerror(code))});
      }
      continue;
    }

    // 3. Move transfers along and record each one that finished.
    Result<int> finished = advance_transfers();
    if (!finished) return abort(finished.error());
    if (Status renewed = renew_leases_if_due(); !renewed) return abort(renewed.error());

    // 4. Wait for sockets — unless slots were just freed: fill them first.
    if (*finished == 0) {
      if (CURLMcode code = multi_.poll(poll_timeout_ms()); code != CURLM_OK) {
        return abort(Error{fmt::format("curl_multi_poll failed: {}", curl_multi_strerror(code))});
      }
    }
  }
  summary_.duration_ms = clock_.now_ms() - started;
  return summary_;
}

Status RunLoop::claim_into_free_slots() {
  const std::size_t wanted = idle_.size();
  auto claimed = queue_.claim(run_id_, wanted, options_.lease_ms, options_.batch);
  if (!claimed) return claimed.error();
  const std::size_t got = claimed->size();
  for (std::size_t i = 0; i < got; ++i) {
    if (Status started = start(std::move((*claimed)[i])); !started) {
      // Jobs claimed but never sent go back as they were; the lease covers a failed release.
      for (std::size_t j = i + 1; j < got; ++j) (void)queue_.release((*claimed)[j].job_id);
      return started;
    }
  }
  const EpochMs now = clock_.now_ms();
  if (got == wanted) {  // there may be more: claim again as soon as a slot frees
    claim_at_ = now;
    nothing_pending_ = false;
    blocked_since_.reset();
    return Ok{};
  }
  // Everything claimable now is ours. Ask when more can be, so the loop neither spins on the
  // queue nor misses a retry coming due.
  auto next = queue_.next_pending_at(options_.batch);
  if (!next) return next.error();
  nothing_pending_ = !next->has_value();
  if (nothing_pending_) {
    claim_at_ = kNever;  // until a transfer finishes: it may leave a retry or free an object
    blocked_since_.reset();
  } else if (**next > now) {
    claim_at_ = **next;  // a retry waiting for its backoff
    blocked_since_.reset();
  } else {
    // Due but not claimable: an earlier job on the same object is running. If it is ours, its
    // end sets claim_at_; if it is another run's, only time tells, so look again shortly.
    claim_at_ = now + kBlockedRecheckMs;
    if (in_flight() > 0) {
      blocked_since_.reset();
    } else if (!blocked_since_) {
      blocked_since_ = now;
    }
  }
  return Ok{};
}

Status RunLoop::start(store::ClaimedJob job) {
  InFlightRequest* request = idle_.back();
  const std::int64_t job_id = job.job_id;
  Status prepared = request->prepare(std::move(job), options_, clock_.now_ms());
  if (!prepared) {
    (void)queue_.release(job_id);
    return Error{
        fmt::format("cannot prepare the request of job {}: {}", job_id, prepared.error().message)};
  }
  if (CURLMcode code = request->attach(multi_); code != CURLM_OK) {
    (void)queue_.release(job_id);
    return Error{
        fmt::format("cannot start the request of job {}: {}", job_id, curl_multi_strerror(code))};
  }
  idle_.pop_back();
  return Ok{};
}

Result<int> RunLoop::advance_transfers() {
  int running = 0;
  if (CURLMcode code = multi_.perform(running); code != CURLM_OK) {
    return Error{fmt::format("curl_multi_perform failed: {}", curl_multi_strerror(code))};
  }
  int finished = 0;
  while (std::optional<CurlMulti::Done> done = multi_.next_done()) {
    InFlightRequest& request = InFlightRequest::from_owner(done->owner);
    request.detach();
    idle_.push_back(&request);
    ++finished;
    claim_at_ = 0;  // a slot is free, and the job's object-mates (or its retry) may be claimable
    if (Status recorded = record(request, done->result); !recorded) return recorded.error();
  }
  return finished;
}

Status RunLoop::record(InFlightRequest& request, CURLcode result) {
  const EpochMs ended = clock_.now_ms();
  const store::ClaimedJob& job = request.job();
  const api::ApiStatus api = api::parse_response(request.response_body());

  AttemptResult outcome;
  outcome.op = job.op;
  outcome.attempt = job.attempt;
  outcome.max_attempts = options_.max_attempts;
  outcome.curl_code = result;
  outcome.request_sent = request.request_sent();
  outcome.http_status = request.http_status();
  outcome.api_flag = api.flag;
  if (needs_attempt_history(outcome)) {
    store::AttemptFilter filter;
    filter.job_id = job.job_id;
    auto earlier = queue_.attempts(filter);
    if (!earlier) return earlier.error();
    outcome.earlier_attempt_may_have_reached_server =
        std::any_of(earlier->begin(), earlier->end(),
                    [](const store::AttemptRow& row) { return may_have_reached_server(row); });
  }
  const Decision decision = classify(outcome);
  // (The circuit breaker slots in here: it will watch decisions for 401/403 in a row.)

  store::JobTransition next{decision.next, 0, decision.note};
  if (decision.next == store::JobState::kPending) {
    const std::int64_t backoff =
        backoff_ms(job.attempt, options_.retry_base_ms, options_.retry_cap_ms, random_);
    next.next_attempt_at =
        ended + retry_delay_ms(backoff, parse_retry_after_ms(request.retry_after(), ended));
    ++summary_.retries;
  }
  ++summary_.requests;
  if (decision.next == store::JobState::kSucceeded) ++summary_.succeeded;
  if (decision.next == store::JobState::kFailed) ++summary_.failed;
  if (decision.next == store::JobState::kDead) ++summary_.dead;
  return queue_.finish(
      attempt_row(run_id_, request, result, api, decision, ended, options_.credentials), next);
}

Status RunLoop::renew_leases_if_due() {
  const EpochMs now = clock_.now_ms();
  if (now < renew_at_) return Ok{};
  renew_at_ = now + std::max<EpochMs>(1, options_.lease_ms / 3);
  return queue_.renew_leases(run_id_, options_.lease_ms);
}

int RunLoop::poll_timeout_ms() const {
  const EpochMs now = clock_.now_ms();
  EpochMs until = now + kMaxPollMs;
  if (!stopping() && !idle_.empty()) until = std::min(until, claim_at_);
  if (in_flight() > 0) until = std::min(until, renew_at_);
  // At least 1 ms, so a deadline just passed cannot turn the loop into a busy spin.
  return static_cast<int>(std::clamp<EpochMs>(until - now, 1, kMaxPollMs));
}

// A storage or system error ends the run. Transfers are taken off the multi handle (which
// aborts them). A job whose request never went out is released; one whose request may have
// reached the server stays running under our lease, so the next run logs that attempt as
// interrupted instead of forgetting it.
Error RunLoop::abort(Error error) {
  for (auto& request : pool_) {
    if (!request->attached()) continue;
    const bool sent = request->request_sent();
    request->detach();
    idle_.push_back(request.get());
    if (!sent) (void)queue_.release(request->job().job_id);  // best effort: the lease covers it
  }
  return error;
}

}  // namespace

Runner::Runner(store::Queue& queue, RunOptions options, const Clock& clock,
               const std::atomic<bool>& stop)
    : queue_(queue), options_(std::move(options)), clock_(clock), stop_(stop) {}

Result<RunSummary> Runner::run(std::int64_t run_id) {
  std::unique_ptr<RunLoop> loop;
  try {
    loop = std::make_unique<RunLoop>(queue_, options_, clock_, stop_, run_id);
  } catch (const std::exception& e) {  // libcurl could not initialise or allocate a handle
    return Error{fmt::format("cannot set up HTTP transfers for run {}: {}", run_id, e.what())};
  }
  return loop->run();
}

}  // namespace oneall::engine
