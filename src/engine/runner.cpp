#include "engine/runner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <random>
#include <vector>

#include "api/response.hpp"
#include "engine/curl_handles.hpp"
#include "engine/in_flight_request.hpp"
#include "engine/retry_policy.hpp"

namespace oneall::engine {
namespace {

constexpr int kMaxPollMs = 200;  // how long one poll may block: the stop flag's latency
// Pending jobs that are due but cannot be claimed are held by another process's lease; wait
// for that at most this many polls before giving up with stopped_early.
constexpr int kMaxBlockedPolls = 50;

}  // namespace

Runner::Runner(store::Queue& queue, RunOptions options, const Clock& clock,
               const std::atomic<bool>& stop)
    : queue_(queue), options_(std::move(options)), clock_(clock), stop_(stop) {}

Result<RunSummary> Runner::run(std::int64_t run_id) {
  const EpochMs started = clock_.now_ms();
  RunSummary summary;
  CurlMulti multi = make_multi();
  std::mt19937_64 random{std::random_device{}()};

  // The pool: one reusable request object per concurrency slot.
  const std::size_t slots = static_cast<std::size_t>(std::max(1, options_.concurrency));
  std::vector<std::unique_ptr<InFlightRequest>> pool;
  std::vector<InFlightRequest*> idle;
  pool.reserve(slots);
  for (std::size_t i = 0; i < slots; ++i) {
    pool.push_back(std::make_unique<InFlightRequest>());
    idle.push_back(pool.back().get());
  }
  std::size_t in_flight = 0;
  std::optional<Error> failure;
  EpochMs last_renewal = started;
  int blocked_polls = 0;

  // Records one finished transfer: attempt row and the job's next state in one transaction.
  auto complete = [&](InFlightRequest& request, CURLcode result) -> Status {
    const EpochMs ended = clock_.now_ms();
    const store::ClaimedJob& job = request.job();
    const bool transport_error = result != CURLE_OK;
    const int http_status = request.http_status();
    const api::ApiStatus api = api::parse_response(request.response_body());
    const Decision decision = classify({job.op, job.attempt, options_.max_attempts, transport_error,
                                        transport_error ? 0 : http_status, api.flag});

    store::AttemptRecord attempt;
    attempt.run_id = run_id;
    attempt.job_id = job.job_id;
    attempt.attempt = job.attempt;
    attempt.started_at = request.started_at();
    attempt.ended_at = ended;
    attempt.method = job.method;
    attempt.path = job.path;
    attempt.request_body = job.body;
    attempt.http_status = http_status;
    attempt.curl_error = request.transport_error(result);
    attempt.retry_after = request.retry_after();
    attempt.api_flag = api.flag;
    attempt.api_code = api.code;
    attempt.api_info = api.info;
    attempt.response_body = request.response_body();
    attempt.response_truncated = request.response_truncated();
    attempt.outcome = decision.outcome;
    attempt.note = decision.note;

    store::JobTransition next{decision.next, 0, decision.note};
    if (decision.next == store::JobState::kPending) {
      std::int64_t wait =
          backoff_ms(job.attempt, options_.retry_base_ms, options_.retry_cap_ms, random);
      if (auto floor = parse_retry_after_ms(request.retry_after(), ended)) {
        wait = std::max(wait, *floor);
      }
      next.next_attempt_at = ended + wait;
      ++summary.retries;
    }
    ++summary.requests;
    if (decision.next == store::JobState::kSucceeded) ++summary.succeeded;
    if (decision.next == store::JobState::kFailed) ++summary.failed;
    if (decision.next == store::JobState::kDead) ++summary.dead;
    return queue_.finish(attempt, next);
  };

  while (true) {
    // 1. Fill free slots with claimable jobs, unless stopping.
    if (!stop_.load() && !idle.empty() && !failure) {
      auto claimed = queue_.claim(run_id, idle.size(), options_.lease_ms, options_.batch);
      if (!claimed) {
        failure = claimed.error();
      } else {
        for (auto& job : *claimed) {
          InFlightRequest* request = idle.back();
          idle.pop_back();
          request->prepare(std::move(job), options_, clock_.now_ms());
          if (CURLMcode code = request->add_to(multi.get()); code != CURLM_OK) {
            failure = Error{fmt::format("cannot start a request: {}", curl_multi_strerror(code))};
            idle.push_back(request);
            break;
          }
          ++in_flight;
        }
      }
    }

    // 2. Nothing in flight: finished, stopping, or waiting for a retry to come due.
    if (in_flight == 0) {
      if (failure) return *failure;
      auto next = queue_.next_pending_at(options_.batch);
      if (!next) return next.error();
      if (!next->has_value() || stop_.load()) {
        summary.stopped_early = stop_.load() && next->has_value();
        break;
      }
      const EpochMs now = clock_.now_ms();
      if (**next <= now && ++blocked_polls > kMaxBlockedPolls) {
        summary.stopped_early = true;  // due jobs held by another process's lease
        break;
      }
      const EpochMs wait = std::clamp<EpochMs>(**next - now, 1, kMaxPollMs);
      curl_multi_poll(multi.get(), nullptr, 0, static_cast<int>(wait), nullptr);
      continue;
    }
    blocked_polls = 0;

    // 3. Move transfers along, then record every one that finished.
    int running = 0;
    if (CURLMcode code = curl_multi_perform(multi.get(), &running); code != CURLM_OK) {
      failure = Error{fmt::format("curl_multi_perform: {}", curl_multi_strerror(code))};
    }
    int queued = 0;
    int finished_now = 0;
    while (CURLMsg* message = curl_multi_info_read(multi.get(), &queued)) {
      if (message->msg != CURLMSG_DONE) continue;
      InFlightRequest* request = InFlightRequest::from_handle(message->easy_handle);
      const CURLcode result = message->data.result;
      request->remove_from(multi.get());
      --in_flight;
      ++finished_now;
      idle.push_back(request);
      if (failure) {
        (void)queue_.release(request->job().job_id);  // best effort; the lease covers the rest
        continue;
      }
      if (auto recorded = complete(*request, result); !recorded) failure = recorded.error();
    }
    if (failure) {
      // Stop sending: take every transfer off the multi handle and give its job back.
      for (auto& request : pool) {
        if (std::find(idle.begin(), idle.end(), request.get()) != idle.end()) continue;
        request->remove_from(multi.get());
        (void)queue_.release(request->job().job_id);
        idle.push_back(request.get());
      }
      in_flight = 0;
      return *failure;
    }

    // 4. Keep our leases fresh on long runs.
    const EpochMs now = clock_.now_ms();
    if (now - last_renewal >= options_.lease_ms / 3) {
      if (auto renewed = queue_.renew_leases(run_id, options_.lease_ms); !renewed) {
        failure = renewed.error();
      }
      last_renewal = now;
    }

    // 5. Wait for sockets — unless slots were just freed: fill them first, or they would stay
    // idle until the next answer arrives.
    if (finished_now == 0 && in_flight > 0 && running > 0) {
      curl_multi_poll(multi.get(), nullptr, 0, kMaxPollMs, nullptr);
    }
  }
  summary.duration_ms = clock_.now_ms() - started;
  return summary;
}

}  // namespace oneall::engine
