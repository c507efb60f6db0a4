#include "cli/queue_metrics.hpp"

#include <algorithm>

#include "cli/prometheus_text.hpp"

namespace oneall::cli {

std::string queue_metrics_text(const store::QueueStatus& status, EpochMs now) {
  PrometheusText out;
  out.family("oneall_bulk_jobs", MetricType::kGauge,
             "Jobs in the queue by state (running: claimed by a run, in flight).");
  for (store::JobState state : store::kAllJobStates) {
    const auto it = status.by_state.find(state);
    out.sample("oneall_bulk_jobs", {{"state", store::state_name(state)}},
               it == status.by_state.end() ? std::int64_t{0} : it->second);
  }
  const EpochMs waited =
      status.oldest_due_since ? std::max<EpochMs>(0, now - *status.oldest_due_since) : 0;
  out.gauge("oneall_bulk_oldest_due_job_age_seconds",
            "How long the pending job due longest (outside paused scopes) has waited for a run "
            "(0: no job is due).",
            seconds(waited));
  out.gauge("oneall_bulk_jobs_scheduled",
            "Pending jobs waiting for their not_before (counted among the pending too).",
            status.scheduled);
  if (status.next_scheduled_at) {
    out.gauge("oneall_bulk_next_scheduled_timestamp_seconds",
              "When the next scheduled job comes due, in seconds since the Unix epoch.",
              seconds(*status.next_scheduled_at));
  }
  out.gauge("oneall_bulk_live_runs", "Runs working the queue now.",
            static_cast<std::int64_t>(status.live_runs.size()));
  // Only the paused scopes have a sample: a family without samples is valid, and resumed scopes
  // simply disappear, as a series of a target that went away does.
  out.family("oneall_bulk_paused", MetricType::kGauge,
             "1 for each scope (queue, batch:N) paused: runs take none of its jobs.");
  for (const store::PausedScope& paused : status.paused) {
    out.sample("oneall_bulk_paused", {{"scope", paused.scope()}}, std::int64_t{1});
  }
  // A time that never was is 0, so that `time() - metric` is large and an alert on it fires.
  out.gauge("oneall_bulk_last_run_start_timestamp_seconds",
            "When the run started last began, in seconds since the Unix epoch (0: never).",
            seconds(status.last_run ? status.last_run->started_at : 0));
  out.gauge("oneall_bulk_last_run_end_timestamp_seconds",
            "When the run that ended last ended, in seconds since the Unix epoch (0: never).",
            seconds(status.last_ended_run ? status.last_ended_run->ended_at.value_or(0) : 0));
  if (status.last_ended_run && status.last_ended_run->exit_code) {
    out.gauge("oneall_bulk_last_run_exit_code",
              "The exit status of the run that ended last (0: every job in its scope succeeded).",
              std::int64_t{*status.last_ended_run->exit_code});
  }
  out.gauge("oneall_bulk_last_success_timestamp_seconds",
            "When a run last ended with exit status 0, in seconds since the Unix epoch (0: never).",
            seconds(status.last_success_at.value_or(0)));
  return out.text();
}

}  // namespace oneall::cli
