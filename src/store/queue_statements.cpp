#include "store/queue_statements.hpp"

#include <optional>
#include <string>

#include "store/attempt_chain.hpp"

namespace oneall::store {
namespace {

// Claims a window of jobs in one statement: pending, due, and no earlier unfinished job on the
// same object (in any batch), so jobs on one object run one at a time, in file order. The
// subquery is evaluated once, before any row changes. `+j.next_attempt_at` keeps the planner
// on the (…, state, id) index, walked in id order up to the limit, rather than sorting every
// due job; the NOT EXISTS repeats jobs_by_object's WHERE term so that partial index serves it.
// RETURNING gives rows in no promised order: Queue::claim sorts them by id.
// ?1 limit, ?2 run id, ?3 now, ?4 lease until, ?5 batch.
std::string claim_window(const char* batch_filter) {
  return std::string(
             "UPDATE jobs SET state = 'running', run_id = ?2, claimed_at = ?3, "
             "lease_until = ?4, attempts = attempts + 1, updated_at = ?3 "
             "WHERE id IN (SELECT j.id FROM jobs AS j WHERE j.state = 'pending' ") +
         batch_filter +
         "AND +j.next_attempt_at <= ?3 "
         "AND NOT EXISTS (SELECT 1 FROM jobs AS e WHERE e.object_hash = j.object_hash "
         "AND e.id < j.id AND e.state IN ('pending', 'running')) "
         "ORDER BY j.id LIMIT ?1) "
         "RETURNING id, attempts, batch_id, op, method, path, body, source, identity, "
         "attempt_base";
}

}  // namespace

QueueStatements::QueueStatements(const Database& db)
    : insert_batch(db, "INSERT INTO batches (created_at, description) VALUES (?1, ?2)"),
      delete_batch(db, "DELETE FROM batches WHERE id = ?1"),
      insert_job(db,
                 "INSERT INTO jobs (batch_id, job_key, object_hash, source, op, target, identity, "
                 "page_id, object_id, method, path, body, updated_at) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
                 "ON CONFLICT (job_key) DO NOTHING"),
      insert_run(db, "INSERT INTO runs (started_at, pid, options_json) VALUES (?1, ?2, ?3)"),
      end_run(db, "UPDATE runs SET ended_at = ?2, exit_code = ?3, summary_json = ?4 WHERE id = ?1"),
      // Every running job with its lease and the pid of the run holding it: begin_run decides
      // which are orphaned. Few rows (at most a run's claim window per run that died).
      running_jobs(db,
                   "SELECT j.id, j.run_id, j.attempts, j.claimed_at, j.method, j.path, j.body, "
                   "j.lease_until, r.pid FROM jobs AS j LEFT JOIN runs AS r ON r.id = j.run_id "
                   "WHERE j.state = 'running' ORDER BY j.id"),
      requeue_interrupted(db,
                          "UPDATE jobs SET state = 'pending', run_id = NULL, claimed_at = NULL, "
                          "lease_until = NULL, last_outcome = 'interrupted', updated_at = ?2 "
                          "WHERE id = ?1 AND state = 'running'"),
      claim(db, claim_window("")),
      claim_in_batch(db, claim_window("AND j.batch_id = ?5 ")),
      insert_attempt(db,
                     "INSERT INTO attempts (run_id, job_id, attempt, started_at, ended_at, method, "
                     "path, request_body, http_status, curl_error, retry_after, api_flag, "
                     "api_code, api_info, response_body, response_truncated, outcome, note, "
                     "requests_sent, prev_hash, row_hash) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
                     "?16, ?17, ?18, ?19, ?20, ?21)"),
      last_row_hash(db, "SELECT row_hash FROM attempts ORDER BY id DESC LIMIT 1"),
      // Only the run holding the job may finish it: after a lease expired and another run took
      // the job over, the late answer of the first run must not overwrite the second's work.
      finish_job(db,
                 "UPDATE jobs SET state = ?2, next_attempt_at = ?3, note = ?4, "
                 "last_http_status = ?5, last_outcome = ?6, run_id = NULL, claimed_at = NULL, "
                 "lease_until = NULL, updated_at = ?7 "
                 "WHERE id = ?1 AND state = 'running' AND run_id = ?8"),
      release_job(db,
                  "UPDATE jobs SET state = 'pending', attempts = attempts - 1, run_id = NULL, "
                  "claimed_at = NULL, lease_until = NULL, updated_at = ?2 "
                  "WHERE id = ?1 AND state = 'running'"),
      renew_leases(db, "UPDATE jobs SET lease_until = ?2 WHERE run_id = ?1 AND state = 'running'"),
      next_pending_at(db, "SELECT MIN(next_attempt_at) FROM jobs WHERE state = 'pending'"),
      next_pending_at_in_batch(db,
                               "SELECT MIN(next_attempt_at) FROM jobs "
                               "WHERE batch_id = ?1 AND state = 'pending'") {}

std::string QueueStatements::chain_head() {
  std::string head(kChainGenesis);
  if (last_row_hash.step()) head = last_row_hash.column_text(0);
  last_row_hash.reset();
  return head;
}

// The row's text is bound in place, not copied: `a`, `head` and `hash` outlive run().
void QueueStatements::record_attempt(const AttemptRecord& a, std::string& head) {
  std::string hash = chain_hash(a, head, chain_scratch);
  std::optional<std::int64_t> http_status;
  if (a.http_status != 0) http_status = a.http_status;
  std::optional<std::int64_t> api_code;
  if (a.api_code) api_code = *a.api_code;
  insert_attempt.bind(1, a.run_id)
      .bind(2, a.job_id)
      .bind(3, a.attempt)
      .bind(4, a.started_at)
      .bind(5, a.ended_at)
      .bind_borrowed(6, a.method)
      .bind_borrowed(7, a.path)
      .bind_borrowed(8, a.request_body)
      .bind(9, http_status)
      .bind_borrowed(10, a.curl_error)
      .bind_borrowed(11, a.retry_after)
      .bind_borrowed(12, a.api_flag)
      .bind(13, api_code)
      .bind_borrowed(14, a.api_info)
      .bind_borrowed(15, a.response_body)
      .bind(16, a.response_truncated ? 1 : 0)
      .bind_borrowed(17, a.outcome)
      .bind_borrowed(18, a.note)
      .bind(19, static_cast<std::int64_t>(a.requests_sent))
      .bind_borrowed(20, head)
      .bind_borrowed(21, hash)
      .run();
  head = std::move(hash);
}

}  // namespace oneall::store
