#include "store/queue_statements.hpp"

#include <optional>
#include <string>

#include "store/attempt_chain.hpp"
#include "store/paused_scopes_sql.hpp"
#include "store/schedule_sql.hpp"

namespace oneall::store {
namespace {

// The window a claim takes: ready (pending, due: waiting = 0), not in flight already, not in a
// paused scope, and no earlier unfinished job on the same object (in any batch, paused or not),
// so jobs on one object run one at a time, in file order. Only read: the claim then adds each
// job to in_flight, and the job's row stays as it is.
// Walked in jobs_ready's order (batch, then id: id order, as a later batch's jobs have the
// larger ids) up to the limit, so jobs still waiting are never even looked at (INDEXED BY: left
// to itself, the planner takes jobs_by_batch for one batch, and walks those too);
// `+j.next_attempt_at <= ?2` only guards against sending one early. The NOT EXISTS on the object
// repeats jobs_by_object's WHERE term so that partial index serves it.
// ?1 limit, ?2 now, ?3 batch.
std::string claim_window(const char* batch_filter) {
  return std::string(
             "SELECT j.id, j.attempts + 1, j.batch_id, j.op, j.method, j.path, j.body, j.source, "
             "j.identity, j.attempt_base FROM jobs AS j INDEXED BY jobs_ready "
             "WHERE j.state = 'pending' AND j.waiting = 0 ") +
         batch_filter + "AND +j.next_attempt_at <= ?2 AND NOT " + in_flight_sql("j.id") + " AND " +
         not_paused_sql("j.batch_id") +
         " AND NOT EXISTS (SELECT 1 FROM jobs AS e WHERE e.object_hash = j.object_hash "
         "AND e.id < j.id AND e.state IN ('pending', 'running')) "
         "ORDER BY j.batch_id, j.id LIMIT ?1";
}

// The earliest next_attempt_at of a pending job not in flight, not paused and not scheduled
// after ?2: a ready job if there is one (its time has come), else the first waiting one in
// jobs_waiting's order (a job scheduled later has its not_before as next_attempt_at, so it
// comes after every one that counts). ?1 batch.
std::string next_pending(const char* batch_filter) {
  const std::string common = std::string(batch_filter) + "AND NOT " + in_flight_sql("j.id") +
                             " AND " + not_paused_sql("j.batch_id");
  return "SELECT COALESCE("
         "(SELECT j.next_attempt_at FROM jobs AS j INDEXED BY jobs_ready "
         "WHERE j.state = 'pending' AND j.waiting = 0 " +
         common +
         " LIMIT 1), "
         "(SELECT j.next_attempt_at FROM jobs AS j WHERE j.state = 'pending' AND j.waiting = 1 " +
         common + " AND " + due_by_sql("j", "?2") + " ORDER BY j.next_attempt_at LIMIT 1))";
}

}  // namespace

std::string in_flight_sql(std::string_view job_id) {
  return "EXISTS (SELECT 1 FROM in_flight AS f WHERE f.job_id = " + std::string(job_id) + ")";
}

QueueStatements::QueueStatements(const Database& db)
    : insert_batch(db, "INSERT INTO batches (created_at, description) VALUES (?1, ?2)"),
      delete_batch(db, "DELETE FROM batches WHERE id = ?1"),
      insert_run(db,
                 "INSERT INTO runs (started_at, pid, options_json, heartbeat_at, live_until) "
                 "VALUES (?1, ?2, ?3, ?1, ?4)"),
      end_run(db, "UPDATE runs SET ended_at = ?2, exit_code = ?3, summary_json = ?4 WHERE id = ?1"),
      // Every job in flight with its lease and the pid of the run holding it: begin_run decides
      // which are orphaned. Few rows (at most a run's claim window per run that died).
      running_jobs(db,
                   "SELECT f.job_id, f.run_id, f.attempt, f.claimed_at, j.method, j.path, j.body, "
                   "f.lease_until, r.pid FROM in_flight AS f JOIN jobs AS j ON j.id = f.job_id "
                   "LEFT JOIN runs AS r ON r.id = f.run_id ORDER BY f.job_id"),
      // An interrupted attempt ended: it counts, and the job is due again at once.
      requeue_interrupted(db,
                          "UPDATE jobs SET attempts = ?3, last_outcome = 'interrupted', "
                          "updated_at = ?2 WHERE id = ?1 AND state = 'pending'"),
      claim(db, claim_window("")),
      claim_in_batch(db, claim_window("AND j.batch_id = ?3 ")),
      hold_job(db,
               "INSERT INTO in_flight (job_id, run_id, attempt, claimed_at, lease_until) "
               "VALUES (?1, ?2, ?3, ?4, ?5)"),
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
      // ?1 job, ?2 run; nothing deleted means the run no longer holds the job.
      unhold_job(db, "DELETE FROM in_flight WHERE job_id = ?1 AND run_id = ?2"),
      finish_job(db,
                 "UPDATE jobs SET state = ?2, next_attempt_at = ?3, "
                 "waiting = (?2 = 'pending' AND ?3 > 0), note = ?4, "
                 "last_http_status = ?5, last_outcome = ?6, attempts = ?7, updated_at = ?8 "
                 "WHERE id = ?1 AND state = 'pending'"),
      release_job(db, "DELETE FROM in_flight WHERE job_id = ?1"),
      renew_leases(db, "UPDATE in_flight SET lease_until = ?2 WHERE run_id = ?1"),
      heartbeat(db, "UPDATE runs SET heartbeat_at = ?2, live_until = ?3 WHERE id = ?1"),
      next_pending_at(db, next_pending("")),
      next_pending_at_in_batch(db, next_pending("AND j.batch_id = ?1 ")),
      expire_jobs(db, expire_jobs_sql("?1")),
      // Waiting jobs whose time has come become ready: the claim after it sees them.
      ready_due_jobs(db,
                     "UPDATE jobs SET waiting = 0 "
                     "WHERE state = 'pending' AND waiting = 1 AND next_attempt_at <= ?1") {}

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
