// The queue's prepared statements, created once when the queue opens and re-bound for every
// use. Internal to src/store/: shared by the files that implement Queue.
#pragma once

#include "store/sqlite.hpp"

namespace oneall::store {

struct QueueStatements {
  explicit QueueStatements(const Database& db);

  Statement insert_batch;
  Statement delete_batch;
  Statement insert_job;
  Statement insert_run;
  Statement end_run;
  Statement expired_leases;
  Statement requeue_interrupted;
  Statement select_claimable;
  Statement claim_job;
  Statement insert_attempt;
  Statement finish_job;
  Statement release_job;
  Statement renew_leases;
  Statement next_pending_at;
};

}  // namespace oneall::store
