// PgQueue::claim, finish, finish_and_claim, release and next_pending_at: the work cycle of a
// run on PostgreSQL. Claims are serialised by a transaction-level advisory lock and take their
// rows FOR UPDATE SKIP LOCKED, so two claimers never hold one job nor two jobs of one object.
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "store/paused_scopes_sql.hpp"
#include "store/pg_queue.hpp"
#include "store/schedule_sql.hpp"

namespace oneall::store {
namespace {

constexpr std::int64_t kClaimLockKey = 0x6f6e65616c6c03;  // "oneall" 03

// The window a claim takes (pending, due, not in flight, not in a paused scope, no earlier
// unfinished job on the same object in any batch), held in in_flight in the same statement. $1
// limit, $2 now, $3 run, $4 lease end, $5 batch.
std::string claim_sql(bool in_batch) {
  return fmt::format(
      "WITH window_jobs AS ("
      " SELECT j.id, j.attempts + 1 AS attempt, j.batch_id, j.op, j.method, j.path, j.body,"
      " j.source, j.identity, j.attempt_base FROM jobs AS j"
      " WHERE j.state = 'pending' {} AND j.next_attempt_at <= $2"
      " AND NOT EXISTS (SELECT 1 FROM in_flight AS f WHERE f.job_id = j.id) AND {}"
      " AND NOT EXISTS (SELECT 1 FROM jobs AS e WHERE e.object_hash = j.object_hash"
      " AND e.id < j.id AND e.state IN ('pending', 'running'))"
      " ORDER BY j.id LIMIT $1 FOR UPDATE OF j SKIP LOCKED),"
      " held AS (INSERT INTO in_flight (job_id, run_id, attempt, claimed_at, lease_until)"
      " SELECT id, $3, attempt, $2, $4 FROM window_jobs)"
      " SELECT id, attempt, batch_id, op, method, path, body, source, identity, attempt_base"
      " FROM window_jobs ORDER BY id",
      in_batch ? "AND j.batch_id = $5" : "", not_paused_sql("j.batch_id"));
}

}  // namespace

Result<std::vector<ClaimedJob>> PgQueue::write_turn(std::span<const Completion> completions,
                                                    std::int64_t run_id, std::size_t limit,
                                                    std::int64_t lease_ms,
                                                    std::optional<std::int64_t> batch) {
  try {
    PgTransaction transaction(connection_);
    if (Status recorded = record_finished(completions); !recorded) return recorded.error();
    std::vector<ClaimedJob> claimed = claim_rows(run_id, limit, lease_ms, batch);
    transaction.commit();
    return claimed;
  } catch (const PgError& e) {
    return pg_store_error(
        e, fmt::format("{} {}", limit == 0 ? "record attempts in" : "claim jobs from", shown_));
  }
}

// Three statements for a whole turn, whatever its size (each a round trip to the server): the
// leases given up, the attempt rows appended to the chain, the jobs moved on. A job no longer
// held by its run, or whose row is not pending, fails the turn, which then writes nothing.
Status PgQueue::record_finished(std::span<const Completion> completions) {
  // Parameters per statement stay far below PostgreSQL's 65,535 (22 per attempt row).
  constexpr std::size_t kChunk = 1'000;
  std::optional<PgChainTail> tail;  // locked and read once, for the first chunk; then passed on
  for (std::size_t start = 0; start < completions.size(); start += kChunk) {
    const auto chunk = completions.subspan(start, std::min(kChunk, completions.size() - start));
    try {
      if (Status released = release_finished(chunk); !released) return released;
      if (!tail) tail = lock_chain_tail(connection_);
      std::vector<const AttemptRecord*> rows;
      rows.reserve(chunk.size());
      for (const Completion& c : chunk) rows.push_back(&c.attempt);
      append_attempts(connection_, rows, *tail);
      if (Status moved = move_finished_jobs(chunk); !moved) return moved;
    } catch (const PgError& e) {
      const AttemptRecord& first = chunk.front().attempt;
      const std::string which = fmt::format("attempt {} of job {}", first.attempt, first.job_id);
      return pg_store_error(e, chunk.size() == 1 ? "record " + which
                                                 : fmt::format("record {} attempts (the first: {})",
                                                               chunk.size(), which));
    }
  }
  return Ok{};
}

// Gives up the leases the completions' runs hold on their jobs; refused if any job is no
// longer held by the run its attempt was made under.
Status PgQueue::release_finished(std::span<const Completion> chunk) {
  std::string sql = "DELETE FROM in_flight WHERE (job_id, run_id) IN (VALUES ";
  std::vector<PgParam> params;
  for (std::size_t i = 0; i < chunk.size(); ++i) {
    sql += fmt::format("{}(${}::BIGINT, ${}::BIGINT)", i == 0 ? "" : ", ", 2 * i + 1, 2 * i + 2);
    params.emplace_back(chunk[i].attempt.job_id);
    params.emplace_back(chunk[i].attempt.run_id);
  }
  sql += ") RETURNING job_id";
  PgRows released = connection_.query_range(sql, params);
  if (static_cast<std::size_t>(released.size()) == chunk.size()) return Ok{};
  std::set<std::int64_t> held;
  for (int i = 0; i < released.size(); ++i) held.insert(released.integer(i, 0));
  for (const Completion& c : chunk) {
    if (held.count(c.attempt.job_id) != 0) continue;
    return Error{fmt::format(
        "cannot record attempt {} of job {}: the job is no longer held by run {} (its lease "
        "expired and another run took it over?); nothing was written",
        c.attempt.attempt, c.attempt.job_id, c.attempt.run_id)};
  }
  return Error{"cannot record a turn's attempts: a job appears twice in it; nothing was written"};
}

// Moves each job to where its attempt left it; a job in flight is pending in its row, so a row
// that is not pending (anything else is a bug) fails the turn.
Status PgQueue::move_finished_jobs(std::span<const Completion> chunk) {
  constexpr std::size_t kColumns = 7;
  std::string sql =
      "UPDATE jobs AS j SET state = v.state, next_attempt_at = v.next_attempt_at, note = v.note, "
      "last_http_status = v.http_status, last_outcome = v.outcome, attempts = v.attempts, "
      "updated_at = $1 FROM (VALUES ";
  std::vector<PgParam> params = {clock_.now_ms()};
  for (std::size_t i = 0; i < chunk.size(); ++i) {
    const std::size_t p = 2 + i * kColumns;
    sql += fmt::format(
        "{}(${}::BIGINT, ${}::TEXT, ${}::BIGINT, ${}::TEXT, ${}::INTEGER, ${}::TEXT, "
        "${}::INTEGER)",
        i == 0 ? "" : ", ", p, p + 1, p + 2, p + 3, p + 4, p + 5, p + 6);
    const AttemptRecord& a = chunk[i].attempt;
    const JobTransition& next = chunk[i].transition;
    params.emplace_back(a.job_id);
    params.emplace_back(state_name(next.state));
    params.emplace_back(next.next_attempt_at);
    params.emplace_back(next.note);
    params.push_back(a.http_status != 0 ? PgParam(a.http_status) : PgParam(std::nullopt));
    params.emplace_back(a.outcome);
    params.emplace_back(a.attempt);
  }
  sql +=
      ") AS v (id, state, next_attempt_at, note, http_status, outcome, attempts) "
      "WHERE j.id = v.id AND j.state = 'pending'";
  if (static_cast<std::size_t>(connection_.query_range(sql, params).affected()) == chunk.size()) {
    return Ok{};
  }
  return Error{fmt::format(
      "cannot record {} attempt(s) (the first: attempt {} of job {}): a job's row is not "
      "pending; nothing was written",
      chunk.size(), chunk.front().attempt.attempt, chunk.front().attempt.job_id)};
}

std::vector<ClaimedJob> PgQueue::claim_rows(std::int64_t run_id, std::size_t limit,
                                            std::int64_t lease_ms,
                                            std::optional<std::int64_t> batch) {
  std::vector<ClaimedJob> claimed;
  if (limit == 0) return claimed;
  const EpochMs now = clock_.now_ms();
  connection_.query("SELECT pg_advisory_xact_lock($1)", {kClaimLockKey});
  // Under the claim lock, so that claimers never expire the same rows at once.
  connection_.query(expire_jobs_sql("$1"), {now});
  // Another runner died or was cut off: its jobs come back here, to whoever claims next.
  take_back_orphans(now, OrphanCheck::kExpired);
  std::vector<PgParam> params = {static_cast<std::int64_t>(limit), now, run_id, now + lease_ms};
  if (batch) params.emplace_back(*batch);  // $5 only where the SQL names it
  PgRows rows = connection_.query_range(claim_sql(batch.has_value()), params);
  claimed.reserve(static_cast<std::size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i) {
    ClaimedJob job;
    job.job_id = rows.integer(i, 0);
    job.attempt = static_cast<int>(rows.integer(i, 1));
    job.batch_id = rows.integer(i, 2);
    // The op column is CHECKed to be one of the names parse_op knows.
    job.op = api::parse_op(rows.text(i, 3)).value_or(api::Op::kDelete);
    job.method = rows.text(i, 4);
    job.path = rows.text(i, 5);
    job.body = rows.text(i, 6);
    job.source = rows.text(i, 7);
    job.identity = rows.text(i, 8);
    job.attempt_base = static_cast<int>(rows.integer(i, 9));
    claimed.push_back(std::move(job));
  }
  return claimed;
}

Status PgQueue::release(std::int64_t job_id) {
  try {
    connection_.query("DELETE FROM in_flight WHERE job_id = $1", {job_id});
    return Ok{};
  } catch (const PgError& e) {
    return pg_store_error(e, fmt::format("release job {}", job_id));
  }
}

// Pending jobs not in flight come due at next_attempt_at. Jobs held by a run that has missed a
// heartbeat (past half its lease: it died, or it is cut off from the database) come back when
// their lease runs out, so a run waits for them rather than end while they are lost; jobs of a
// run that is keeping up are its own business.
Result<std::optional<EpochMs>> PgQueue::next_pending_at(std::optional<std::int64_t> batch,
                                                         std::optional<EpochMs> wait_until) {
  try {
    const EpochMs now = clock_.now_ms();
    // Jobs in a paused scope are no work left, whether pending or held by a run that died.
    PgRows earliest = connection_.query(
        fmt::format(
            "SELECT LEAST((SELECT MIN(j.next_attempt_at) FROM jobs AS j WHERE j.state = 'pending' "
            "AND ($1::BIGINT IS NULL OR j.batch_id = $1) AND {0} "
            "AND NOT EXISTS (SELECT 1 FROM in_flight AS f WHERE f.job_id = j.id) AND {1}), "
            "(SELECT MIN(f.lease_until) FROM in_flight AS f JOIN jobs AS j ON j.id = f.job_id "
            "LEFT JOIN runs AS r ON r.id = f.run_id WHERE ($1::BIGINT IS NULL OR j.batch_id = $1) "
            "AND {0} AND (r.id IS NULL OR r.ended_at IS NOT NULL OR r.live_until IS NULL "
            "OR 2 * $2::BIGINT > r.heartbeat_at + r.live_until)))",
            not_paused_sql("j.batch_id"), due_by_sql("j", "$3::BIGINT")),
        {batch ? PgParam(*batch) : PgParam(std::nullopt), now,
         std::max(now, wait_until.value_or(0))});
    return earliest.optional_integer(0, 0);
  } catch (const PgError& e) {
    return pg_store_error(e, fmt::format("find the next due job in {}", shown_));
  }
}

// The scope's row is created on first use; one statement, so concurrent reservations queue on
// its row lock and each moves the arrival time on from where the last one left it.
Result<SendWindow> PgQueue::reserve_sends(const std::string& scope, std::int64_t interval_us,
                                          int count) {
  try {
    const std::int64_t now_us = clock_.now_ms() * 1000;
    const std::int64_t span = interval_us * count;
    PgRows first = connection_.query(
        "INSERT INTO rate_budgets (scope, arrival_us) VALUES ($1, $2::BIGINT + $3::BIGINT) "
        "ON CONFLICT (scope) DO UPDATE SET arrival_us = "
        "GREATEST(rate_budgets.arrival_us, $2::BIGINT) + $3::BIGINT "
        "RETURNING arrival_us - $3::BIGINT",
        {scope, now_us, span});
    return SendWindow{scope, first.integer(0, 0), interval_us, count};
  } catch (const PgError& e) {
    return pg_store_error(e, fmt::format("reserve sends in the rate budget of {}", shown_));
  }
}

Status PgQueue::hold_sends(const std::string& scope, EpochMs until) {
  try {
    connection_.query(
        "INSERT INTO rate_budgets (scope, arrival_us) VALUES ($1, $2) ON CONFLICT (scope) "
        "DO UPDATE SET arrival_us = GREATEST(rate_budgets.arrival_us, $2::BIGINT)",
        {scope, until * 1000});
    return Ok{};
  } catch (const PgError& e) {
    return pg_store_error(e, fmt::format("hold the rate budget of {}", shown_));
  }
}

}  // namespace oneall::store
