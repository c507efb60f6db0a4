// The queue's prepared statements, created once when the queue opens and re-bound for every
// use. Internal to src/store/: shared by the files that implement Queue.
#pragma once

#include <string>

#include "store/queue.hpp"
#include "store/sqlite.hpp"

namespace oneall::store {

struct QueueStatements {
  explicit QueueStatements(const Database& db);

  // Appends one row to the attempt log (the only writer of attempts), chained to the last row.
  // Call inside a transaction.
  void record_attempt(const AttemptRecord& attempt);

  Statement insert_batch;
  Statement delete_batch;
  Statement insert_job;
  Statement insert_run;
  Statement end_run;
  Statement running_jobs;
  Statement requeue_interrupted;
  // Two forms each, with and without a batch, so that each has one index to walk.
  Statement claim;
  Statement claim_in_batch;
  Statement insert_attempt;
  Statement last_row_hash;
  Statement finish_job;
  Statement release_job;
  Statement renew_leases;
  Statement next_pending_at;
  Statement next_pending_at_in_batch;
  std::string chain_scratch;  // record_attempt's encoding buffer, kept to reuse its capacity
};

}  // namespace oneall::store
