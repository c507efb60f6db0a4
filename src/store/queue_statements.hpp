// The queue's prepared statements, created once when the queue opens and re-bound for every
// use. Internal to src/store/: shared by the files that implement Queue.
#pragma once

#include <string>
#include <string_view>

#include "store/attempt_chain.hpp"
#include "store/records.hpp"
#include "store/sqlite.hpp"

namespace oneall::store {

// Schema 6: a job is running while it has a row in in_flight, and its own row stays 'pending'.
// The SQL test for that, for the job whose id is the column `job_id` (such as "j.id"): every
// query that tells running jobs from pending ones uses it.
std::string in_flight_sql(std::string_view job_id);

// A job's or a batch's row as stored, read from a select of kJobRecordColumns (jobs.run_id,
// claimed_at and lease_until are not read: NULL since schema 6) or of "id, created_at,
// description". Defined in queue_copy.cpp; `copy` and `prune` read rows with them.
inline constexpr const char* kJobRecordColumns =
    "id, batch_id, job_key, object_hash, source, op, target, identity, page_id, object_id, "
    "method, path, body, state, attempts, next_attempt_at, note, last_http_status, last_outcome, "
    "updated_at, attempt_base, not_before, expires_at";
JobRecord read_job_record(const Statement& row);
BatchRecord read_batch_record(const Statement& row);

struct QueueStatements {
  explicit QueueStatements(const Database& db);

  // The row_hash of the attempt log's last row (the genesis hash when the log is empty): what the
  // next row links to. Read it inside the transaction that writes the rows, so that no other
  // writer can slip a row in between.
  std::string chain_head();
  // Appends one row to the attempt log (the only writer of attempts), linked to `head`, which
  // becomes the new row's hash. Start with chain_head() of the same transaction; rows written in
  // a row pass their head on, without reading it back each time.
  void record_attempt(const AttemptRecord& attempt, std::string& head);

  Statement insert_batch;
  Statement delete_batch;
  Statement insert_run;
  Statement end_run;
  Statement running_jobs;
  Statement requeue_interrupted;
  // Two forms each, with and without a batch, so that each has one index to walk.
  Statement claim;
  Statement claim_in_batch;
  Statement hold_job;  // a claimed job into in_flight
  Statement insert_attempt;
  Statement last_row_hash;
  Statement unhold_job;  // out of in_flight when its attempt ends
  Statement finish_job;
  Statement release_job;
  Statement renew_leases;
  Statement heartbeat;  // ?1 run, ?2 now, ?3 live until
  Statement next_pending_at;
  Statement next_pending_at_in_batch;
  Statement expire_jobs;  // ?1 now (schedule_sql.hpp)
  Statement ready_due_jobs;  // ?1 now
  ChainScratch chain_scratch;  // record_attempt's, kept from row to row
};

}  // namespace oneall::store
