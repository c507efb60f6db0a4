#include "store/queue_statements.hpp"

namespace oneall::store {

QueueStatements::QueueStatements(const Database& db)
    : insert_batch(db, "INSERT INTO batches (created_at, description) VALUES (?1, ?2)"),
      delete_batch(db, "DELETE FROM batches WHERE id = ?1"),
      insert_job(db,
                 "INSERT INTO jobs (batch_id, job_key, object_key, source, op, target, identity, "
                 "page_id, object_id, method, path, body, updated_at) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
                 "ON CONFLICT (job_key) DO NOTHING"),
      insert_run(db, "INSERT INTO runs (started_at, pid, options_json) VALUES (?1, ?2, ?3)"),
      end_run(db, "UPDATE runs SET ended_at = ?2, exit_code = ?3, summary_json = ?4 WHERE id = ?1"),
      expired_leases(db,
                     "SELECT id, run_id, attempts, claimed_at, method, path, body FROM jobs "
                     "WHERE state = 'running' AND lease_until < ?1 ORDER BY id"),
      requeue_interrupted(db,
                          "UPDATE jobs SET state = 'pending', run_id = NULL, claimed_at = NULL, "
                          "lease_until = NULL, last_outcome = 'interrupted', updated_at = ?2 "
                          "WHERE id = ?1"),
      // Pending, due, in the batch if one is given, and no earlier unfinished job on the same
      // object: jobs on one object run one at a time, in file order.
      select_claimable(db,
                       "SELECT j.id FROM jobs AS j "
                       "WHERE j.state = 'pending' AND j.next_attempt_at <= ?1 "
                       "AND (?2 IS NULL OR j.batch_id = ?2) "
                       "AND NOT EXISTS (SELECT 1 FROM jobs AS e WHERE e.object_key = j.object_key "
                       "AND e.id < j.id AND e.state IN ('pending', 'running')) "
                       "ORDER BY j.id LIMIT ?3"),
      claim_job(db,
                "UPDATE jobs SET state = 'running', run_id = ?2, claimed_at = ?3, "
                "lease_until = ?4, attempts = attempts + 1, updated_at = ?3 "
                "WHERE id = ?1 AND state = 'pending' "
                "RETURNING attempts, batch_id, op, method, path, body, source"),
      insert_attempt(db,
                     "INSERT INTO attempts (run_id, job_id, attempt, started_at, ended_at, method, "
                     "path, request_body, http_status, curl_error, retry_after, api_flag, "
                     "api_code, api_info, response_body, response_truncated, outcome, note) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
                     "?16, ?17, ?18)"),
      finish_job(db,
                 "UPDATE jobs SET state = ?2, next_attempt_at = ?3, note = ?4, "
                 "last_http_status = ?5, last_outcome = ?6, run_id = NULL, claimed_at = NULL, "
                 "lease_until = NULL, updated_at = ?7 WHERE id = ?1 AND state = 'running'"),
      release_job(db,
                  "UPDATE jobs SET state = 'pending', attempts = attempts - 1, run_id = NULL, "
                  "claimed_at = NULL, lease_until = NULL, updated_at = ?2 "
                  "WHERE id = ?1 AND state = 'running'"),
      renew_leases(db, "UPDATE jobs SET lease_until = ?2 WHERE run_id = ?1 AND state = 'running'"),
      next_pending_at(db,
                      "SELECT MIN(next_attempt_at) FROM jobs WHERE state = 'pending' "
                      "AND (?1 IS NULL OR batch_id = ?1)") {}

}  // namespace oneall::store
