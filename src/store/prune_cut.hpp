// What `prune` may take out of a queue (docs/cli.md#prune), the same on every backend: which
// jobs have ended long enough ago (prunable_job_sql), and which prefix of the attempt log it
// takes (PruneCut). The log is hash-chained in id order, so a prune may only ever cut a prefix
// off it: rows of unfinished or newer jobs may sit between old ones, and the cut stops at the
// first of them. It also never splits a job: a job goes with all its rows or not at all, so
// the cut stops before the first row of a job whose rows go on past it. And the newest row of
// the log stays, for the next row written to link to. Pure, so the rule is unit-tested.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace oneall::store {

class PruneCut {
 public:
  // The walk starts after the last checkpoint's row (`after_id`); `log_last_id` is the newest
  // row of the log (0 for an empty log).
  PruneCut(std::int64_t after_id, std::int64_t log_last_id)
      : last_id_(after_id), log_last_id_(log_last_id) {}

  // Feeds the log's next row in id order: its id, whether its job may be pruned, and the id of
  // its job's newest row. False once no later row can be cut: stop the walk.
  bool add(std::int64_t id, bool job_prunable, std::int64_t job_last_row_id);

  // The rows after `after_id` up to this one are cut (equal to after_id: none).
  std::int64_t last_id() const { return last_id_; }

 private:
  std::int64_t last_id_;
  std::int64_t log_last_id_;
  std::int64_t reach_ = 0;  // the newest row of any job met so far
};

// The SQL condition "job `j` has ended before `before`": succeeded, failed, dead or cancelled,
// last changed (updated_at) before the parameter `before` ("?1", "$1"), and held by no run.
// Plain SQL that SQLite and PostgreSQL both take.
std::string ended_job_sql(std::string_view j, std::string_view before);
// ended_job_sql, and none of its attempt rows after the cut's last row (the parameter `last`):
// the jobs a prune takes.
std::string prunable_job_sql(std::string_view j, std::string_view before, std::string_view last);

}  // namespace oneall::store
