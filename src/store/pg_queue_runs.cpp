// PgQueue::begin_run, end_run, renew_leases and bind_api_root: a run's row and heartbeat, and
// the leases that let another run take back the jobs of a run whose process died or was cut
// off (at once when its pid is gone from this same host, else when its lease runs out: a pid
// means nothing on another host).
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>

#include "store/pg_queue.hpp"
#include "util/this_host.hpp"

namespace oneall::store {

Result<std::int64_t> PgQueue::begin_run(const std::string& options_json, std::int64_t lease_ms) {
  try {
    // A runner cut off mid-transaction keeps its locks (the claim's, the chain's) on the server
    // until its session ends, and every other runner's turns wait behind them until their own
    // leases run short. So the server ends a run's session that sits idle in a transaction for
    // a quarter of a lease: far longer than any of our transactions pauses (30 s by default),
    // before the others' fences (docs/cli.md#many-runners).
    connection_.query("SELECT set_config('idle_in_transaction_session_timeout', $1, false)",
                      {fmt::format("{}ms", std::max<std::int64_t>(1'000, lease_ms / 4))});
    const EpochMs now = clock_.now_ms();
    PgTransaction transaction(connection_);
    const std::int64_t run_id =
        connection_
            .query(
                "INSERT INTO runs (started_at, host, pid, options_json, heartbeat_at, live_until) "
                "VALUES ($1, $2, $3, $4, $1, $5) RETURNING id",
                {now, host_name(), static_cast<std::int64_t>(getpid()), options_json,
                 now + lease_ms})
            .integer(0, 0);
    take_back_orphans(now, OrphanCheck::kExpiredOrDeadHere);
    transaction.commit();
    return run_id;
  } catch (const PgError& e) {
    return pg_store_error(e, fmt::format("start a run in {}", shown_));
  }
}

// Jobs whose lease expired, or (with kExpiredOrDeadHere) whose run's process on this host is
// gone, belong to a runner that died or was cut off: their attempt may or may not have reached
// the server. Close it in the audit log as interrupted (under the run that made it) and queue
// the job again; its attempt count keeps that attempt. Rows another transaction is taking back
// (or finishing) at the same moment are skipped, not waited for.
void PgQueue::take_back_orphans(EpochMs now, OrphanCheck check) {
  const bool expired_only = check == OrphanCheck::kExpired;
  std::vector<PgParam> params;
  if (expired_only) params.emplace_back(now);
  PgRows held = connection_.query_range(
      fmt::format("SELECT f.job_id, f.run_id, f.attempt, f.claimed_at, j.method, j.path, j.body, "
                  "f.lease_until, r.pid, r.host FROM in_flight AS f JOIN jobs AS j ON j.id = "
                  "f.job_id LEFT JOIN runs AS r ON r.id = f.run_id {} ORDER BY f.job_id "
                  "FOR UPDATE OF f SKIP LOCKED",
                  expired_only ? "WHERE f.lease_until < $1" : ""),
      params);
  const std::string host = expired_only ? std::string() : host_name();
  std::vector<AttemptRecord> interrupted;
  for (int i = 0; i < held.size(); ++i) {
    const bool expired = held.integer(i, 7) < now;
    const std::optional<std::int64_t> pid = held.optional_integer(i, 8);
    const bool holder_gone =
        !expired_only && pid && held.text(i, 9) == host && !process_alive(*pid);
    if (!expired && !holder_gone) continue;
    AttemptRecord attempt;
    attempt.job_id = held.integer(i, 0);
    attempt.run_id = held.integer(i, 1);
    attempt.attempt = static_cast<int>(held.integer(i, 2));
    attempt.started_at = held.integer(i, 3);
    attempt.ended_at = now;
    attempt.method = held.text(i, 4);
    attempt.path = held.text(i, 5);
    attempt.request_body = held.text(i, 6);
    attempt.outcome = "interrupted";
    attempt.note = expired ? "lease expired" : fmt::format("its run's process ({}) died", *pid);
    interrupted.push_back(std::move(attempt));
  }
  if (interrupted.empty()) return;
  PgChainTail tail = lock_chain_tail(connection_);
  for (const auto& attempt : interrupted) {
    append_attempt(connection_, attempt, tail);
    connection_.query(
        "UPDATE jobs SET attempts = $3, last_outcome = 'interrupted', updated_at = $2 "
        "WHERE id = $1 AND state = 'pending'",
        {attempt.job_id, now, attempt.attempt});
    connection_.query("DELETE FROM in_flight WHERE job_id = $1", {attempt.job_id});
  }
}

Result<std::string> PgQueue::bind_api_root(const std::string& api_root) {
  try {
    PgTransaction transaction(connection_);
    connection_.query(
        "INSERT INTO queue_settings (name, value) VALUES ('api_root', $1) "
        "ON CONFLICT (name) DO NOTHING",
        {api_root});
    PgRows bound = connection_.query("SELECT value FROM queue_settings WHERE name = 'api_root'");
    std::string root = bound.size() > 0 ? bound.text(0, 0) : api_root;
    transaction.commit();
    return root;
  } catch (const PgError& e) {
    return pg_store_error(e, fmt::format("record the API root of {}", shown_));
  }
}

Status PgQueue::end_run(std::int64_t run_id, int exit_code, const std::string& summary_json) {
  try {
    connection_.query(
        "UPDATE runs SET ended_at = $2, exit_code = $3, summary_json = $4 WHERE id = $1",
        {run_id, clock_.now_ms(), exit_code, summary_json});
    return Ok{};
  } catch (const PgError& e) {
    return pg_store_error(e, fmt::format("record the end of run {}", run_id));
  }
}

Status PgQueue::renew_leases(std::int64_t run_id, std::int64_t lease_ms) {
  try {
    const EpochMs now = clock_.now_ms();
    PgTransaction transaction(connection_);
    connection_.query("UPDATE in_flight SET lease_until = $2 WHERE run_id = $1",
                      {run_id, now + lease_ms});
    connection_.query("UPDATE runs SET heartbeat_at = $2, live_until = $3 WHERE id = $1",
                      {run_id, now, now + lease_ms});
    transaction.commit();
    return Ok{};
  } catch (const PgError& e) {
    return pg_store_error(e, fmt::format("renew the leases of run {}", run_id));
  }
}

}  // namespace oneall::store
