#include "cli/run_outcome.hpp"

#include <fmt/format.h>

#include "cli/exit_codes.hpp"
#include "cli/latency_report.hpp"
#include "util/text.hpp"

namespace oneall::cli {

namespace {

std::int64_t pending_in(const std::map<store::JobState, std::int64_t>& counts) {
  auto it = counts.find(store::JobState::kPending);
  return it == counts.end() ? 0 : it->second;
}

// The pending jobs of `scope` that wait in paused scopes: all of them when the queue is paused,
// else those of its paused batches; those scheduled for later count as scheduled, not here.
void count_paused(const store::QueueStatus& status, ScopeCounts& scope) {
  for (const store::PausedScope& paused : status.paused) {
    if (paused.batch_id && scope.batch && *paused.batch_id != *scope.batch) continue;
    if (!scope.paused_scopes.empty()) scope.paused_scopes += ", ";
    scope.paused_scopes += paused.scope();
    if (!paused.batch_id) {
      scope.paused = scope.pending;
      return;  // the queue's pause covers every batch; it comes first
    }
    for (const store::BatchCounts& b : status.batches) {
      if (b.batch_id == *paused.batch_id) scope.paused += pending_in(b.by_state) - b.scheduled;
    }
  }
}

// What to give `resume` for the scopes named "queue" or "batch:3, batch:5".
std::string resume_options(std::string_view scopes) {
  constexpr std::string_view kBatch = "batch:";
  if (scopes.find("queue") != std::string_view::npos) return "";
  if (scopes.find(',') != std::string_view::npos) return " --batch N";
  return fmt::format(" --batch {}", scopes.substr(kBatch.size()));
}

}  // namespace

ScopeCounts count_scope(const store::QueueStatus& status, std::optional<std::int64_t> batch,
                        std::int64_t run_id) {
  const std::map<store::JobState, std::int64_t> none;  // a batch that does not exist
  const std::map<store::JobState, std::int64_t>* counts = &status.by_state;
  std::int64_t scheduled = status.scheduled;
  std::optional<EpochMs> next_scheduled_at = status.next_scheduled_at;
  if (batch) {
    counts = &none;
    scheduled = 0;
    next_scheduled_at.reset();
    for (const auto& b : status.batches) {
      if (b.batch_id != *batch) continue;
      counts = &b.by_state;
      scheduled = b.scheduled;
      next_scheduled_at = b.next_scheduled_at;
    }
  }
  auto count = [&](store::JobState state) {
    auto it = counts->find(state);
    return it == counts->end() ? 0 : it->second;
  };
  ScopeCounts scope{count(store::JobState::kPending), count(store::JobState::kRunning),
                    count(store::JobState::kFailed), count(store::JobState::kDead), batch};
  for (const store::LiveRun& live : status.live_runs) {
    if (live.run_id != run_id) ++scope.other_live_runs;
  }
  scope.pending -= scheduled;
  scope.scheduled = scheduled;
  scope.next_scheduled_at = next_scheduled_at;
  count_paused(status, scope);  // after: a scheduled job counts as scheduled
  return scope;
}

int run_exit_code(const ScopeCounts& scope, bool stopped_early) {
  if (stopped_early && scope.left() > 0) return kExitStoppedEarly;
  if (scope.failed + scope.dead > 0) return kExitJobsFailed;
  if (scope.left() > 0) return kExitStoppedEarly;
  return kExitOk;
}

std::string_view stop_cause_name(engine::StopCause cause) {
  switch (cause) {
    case engine::StopCause::kNone:
      return "none";
    case engine::StopCause::kSignal:
      return "signal";
    case engine::StopCause::kDeadline:
      return "deadline";
    case engine::StopCause::kCircuitBreaker:
      return "circuit_breaker";
    case engine::StopCause::kBlocked:
      return "blocked";
  }
  return "none";
}

std::string stop_reason_text(const engine::RunSummary& s) {
  if (!s.stop_reason.empty()) return s.stop_reason;
  switch (s.stop_cause) {
    case engine::StopCause::kNone:
      return "";
    case engine::StopCause::kSignal:
      return "asked to stop (signal)";
    case engine::StopCause::kDeadline:
      return "the deadline passed";
    case engine::StopCause::kCircuitBreaker:
      return "circuit breaker: too many 401/403 answers in a row; the site's keys are wrong "
             "(check ONEALL_SUBDOMAIN, ONEALL_PUBLIC_KEY, ONEALL_PRIVATE_KEY or the credentials "
             "file; `oneall-bulk check` tests them) or the users "
             "revoked their consent";
    case engine::StopCause::kBlocked:
      return "due jobs stayed blocked by another run working on the same objects";
  }
  return "";
}

double requests_per_second(const engine::RunSummary& s) {
  return s.duration_ms > 0
             ? static_cast<double>(s.requests) * 1000.0 / static_cast<double>(s.duration_ms)
             : 0.0;
}

std::string run_summary_text(std::int64_t run_id, const engine::RunSummary& s,
                             const ScopeCounts& scope, int exit_code,
                             const store::LatencySummary& latency) {
  std::string text = fmt::format(
      "run {}: {} requests in {:.1f} s ({:.1f}/s): {} succeeded, {} failed, {} dead, {} retryable "
      "errors\n",
      run_id, s.requests, static_cast<double>(s.duration_ms) / 1000.0, requests_per_second(s),
      s.succeeded, s.failed, s.dead, s.retries);
  const std::string reason = stop_reason_text(s);
  if (s.stop_cause != engine::StopCause::kNone) {
    text += fmt::format("stopped ({}): {}\n", stop_cause_name(s.stop_cause), reason);
  }
  if (latency.count > 0) text += "latency: " + latency_text(latency) + "\n";
  text += fmt::format("{} job(s) still waiting in scope", scope.left());
  if (scope.left() > 0)
    text += fmt::format(" ({} pending, {} running)", scope.pending - scope.paused, scope.running);
  if (scope.other_live_runs > 0 && scope.running > 0) {
    text += fmt::format("; {} job(s) in the hands of {} other run(s) working the queue",
                        scope.running, scope.other_live_runs);
  }
  text += exit_code == kExitStoppedEarly ? "; run again to continue\n" : "\n";
  if (scope.scheduled > 0 && scope.next_scheduled_at) {
    text += fmt::format("{} job(s) scheduled for later, the next due at {}\n", scope.scheduled,
                        format_utc_ms(*scope.next_scheduled_at));
  }
  if (scope.paused > 0) {
    text += fmt::format(
        "{} job(s) wait in paused scopes ({}); `oneall-bulk resume{}` lets runs take them\n",
        scope.paused, scope.paused_scopes, resume_options(scope.paused_scopes));
  }
  // A run never sends a failed job again: after wrong keys, "run again" alone would skip them.
  if (s.stop_cause == engine::StopCause::kCircuitBreaker && s.refused > 0) {
    text += fmt::format(
        "{} job(s) answered 401/403 in this run are failed: once the keys work (`oneall-bulk "
        "check`), `oneall-bulk retry --state failed{}` brings them back to pending (with any "
        "other failed job in scope; `oneall-bulk report --state failed` lists them)\n",
        s.refused, scope.batch ? fmt::format(" --batch {}", *scope.batch) : "");
  }
  if (exit_code == kExitJobsFailed) {
    text += fmt::format(
        "{} job(s) failed or are dead: see `oneall-bulk status` and `oneall-bulk audit`\n",
        scope.failed + scope.dead);
  }
  return text;
}

std::string run_summary_json(std::int64_t run_id, const engine::RunSummary& s,
                             const ScopeCounts& scope, int exit_code,
                             const store::LatencySummary& latency) {
  return fmt::format(
      R"({{"run_id":{},"requests":{},"succeeded":{},"failed":{},"dead":{},"retries":{},)"
      R"("refused":{},"duration_ms":{},"rate_per_s":{:.2f},"latency_ms":{},"stopped_early":{},)"
      R"("stop_cause":"{}",)"
      R"("stop_reason":{},"jobs_left":{},"jobs_pending":{},"jobs_running":{},"other_live_runs":{},)"
      R"("jobs_scheduled":{},"next_scheduled_at":{},"jobs_paused":{},"exit_code":{}}})",
      run_id, s.requests, s.succeeded, s.failed, s.dead, s.retries, s.refused, s.duration_ms,
      requests_per_second(s), latency_json(latency), s.stopped_early ? "true" : "false",
      stop_cause_name(s.stop_cause),
      json_string(stop_reason_text(s)), scope.left(), scope.pending, scope.running,
      scope.other_live_runs, scope.scheduled,
      scope.next_scheduled_at ? json_string(format_utc_ms(*scope.next_scheduled_at)) : "null",
      scope.paused, exit_code);
}

}  // namespace oneall::cli
