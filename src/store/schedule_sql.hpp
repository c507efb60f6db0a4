// The SQL of jobs on a schedule (docs/formats.md#scheduled-jobs), shared by both backends so that
// they agree on what "scheduled" and "expired" mean. Each takes the placeholder of its time
// parameter ("?2", "$3"), as the statement it goes into numbers them. Internal to src/store/.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "store/records.hpp"

namespace oneall::store {

// Cancels (note 'expired') every pending job not in flight whose expires_at has come: run by
// each claim turn before it claims, so an expired job is never sent. Walks jobs_expiring.
inline std::string expire_jobs_sql(std::string_view now) {
  return "UPDATE jobs SET state = 'cancelled', note = 'expired', updated_at = " + std::string(now) +
         " WHERE state = 'pending' AND expires_at IS NOT NULL AND expires_at <= " +
         std::string(now) +
         " AND NOT EXISTS (SELECT 1 FROM in_flight AS f WHERE f.job_id = jobs.id)";
}

// True for a job a run waiting until `until` would send: none or an earlier not_before. A
// pending job for which this is false is scheduled later: no work for that run.
inline std::string due_by_sql(std::string_view job, std::string_view until) {
  return "(" + std::string(job) + ".not_before IS NULL OR " + std::string(job) +
         ".not_before <= " + std::string(until) + ")";
}

// status's scheduled jobs, per batch: pending, not_before still ahead of `now`. Walks
// jobs_scheduled. Columns: batch_id, count, earliest not_before.
inline std::string scheduled_by_batch_sql(std::string_view now) {
  return "SELECT batch_id, COUNT(*), MIN(not_before) FROM jobs WHERE state = 'pending' AND "
         "not_before IS NOT NULL AND not_before > " +
         std::string(now) + " GROUP BY batch_id ORDER BY batch_id";
}

// Adds one row of scheduled_by_batch_sql to `status`: to its batch and to the queue's totals.
inline void add_scheduled(QueueStatus& status, std::int64_t batch_id, std::int64_t count,
                          EpochMs earliest) {
  status.scheduled += count;
  status.next_scheduled_at = std::min(status.next_scheduled_at.value_or(earliest), earliest);
  for (BatchCounts& batch : status.batches) {
    if (batch.batch_id != batch_id) continue;
    batch.scheduled = count;
    batch.next_scheduled_at = earliest;
  }
}

}  // namespace oneall::store
