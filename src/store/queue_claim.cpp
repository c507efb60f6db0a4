// SqliteQueue::claim, finish, finish_and_claim, release and next_pending_at: the work cycle of a
// run, one job at a time from pending through running to where its attempt leaves it.
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>

#include "store/queue_statements.hpp"
#include "store/sqlite_queue.hpp"

namespace oneall::store {

Result<std::vector<ClaimedJob>> SqliteQueue::write_turn(std::span<const Completion> completions,
                                                        std::int64_t run_id, std::size_t limit,
                                                        std::int64_t lease_ms,
                                                        std::optional<std::int64_t> batch) {
  try {
    Transaction transaction(db_);
    if (Status recorded = record_finished(completions); !recorded) return recorded.error();
    std::vector<ClaimedJob> claimed = claim_rows(run_id, limit, lease_ms, batch);
    transaction.commit();
    return claimed;
  } catch (const SqliteError& e) {
    return store_error(
        e, fmt::format("{} {}", limit == 0 ? "record attempts in" : "claim jobs from", path_));
  }
}

Status SqliteQueue::record_finished(std::span<const Completion> completions) {
  std::optional<std::string> chain_head;  // read once, for the first row; then passed on
  for (const Completion& c : completions) {
    const AttemptRecord& a = c.attempt;
    const JobTransition& next = c.transition;
    try {
      statements_->unhold_job.bind(1, a.job_id).bind(2, a.run_id).run();
      if (db_.changes() != 1) {
        return Error{fmt::format(
            "cannot record attempt {} of job {}: the job is no longer held by run {} (its lease "
            "expired and another run took it over?); nothing was written",
            a.attempt, a.job_id, a.run_id)};
      }
      if (!chain_head) chain_head = statements_->chain_head();
      statements_->record_attempt(a, *chain_head);
      statements_->finish_job.bind(1, a.job_id)
          .bind(2, state_name(next.state))
          .bind(3, next.next_attempt_at)
          .bind_borrowed(4, next.note)  // the completion outlives run()
          .bind(5, a.http_status != 0 ? std::optional<std::int64_t>(a.http_status) : std::nullopt)
          .bind_borrowed(6, a.outcome)
          .bind(7, a.attempt)
          .bind(8, clock_.now_ms())
          .run();
      if (db_.changes() != 1) {  // a job in flight is pending in its row; anything else is a bug
        return Error{fmt::format(
            "cannot record attempt {} of job {}: the job's row is not pending; nothing was written",
            a.attempt, a.job_id)};
      }
    } catch (const SqliteError& e) {
      return store_error(e, fmt::format("record attempt {} of job {}", a.attempt, a.job_id));
    }
  }
  return Ok{};
}

// Reads the window first, then holds each job: in_flight changes under a running SELECT that
// reads it would make what the SELECT sees undefined.
std::vector<ClaimedJob> SqliteQueue::claim_rows(std::int64_t run_id, std::size_t limit,
                                                std::int64_t lease_ms,
                                                std::optional<std::int64_t> batch) {
  std::vector<ClaimedJob> claimed;
  if (limit == 0) return claimed;
  const EpochMs now = clock_.now_ms();
  statements_->expire_jobs.bind(1, now).run();  // before the claim: an expired job is never sent
  statements_->ready_due_jobs.bind(1, now).run();
  Statement& select = batch ? statements_->claim_in_batch : statements_->claim;
  select.bind(1, static_cast<std::int64_t>(limit)).bind(2, now);
  if (batch) select.bind(3, *batch);
  while (select.step()) {
    ClaimedJob job;
    job.job_id = select.column_int(0);
    job.attempt = static_cast<int>(select.column_int(1));
    job.batch_id = select.column_int(2);
    // The op column is CHECKed to be one of the names parse_op knows.
    job.op = api::parse_op(select.column_text(3)).value_or(api::Op::kDelete);
    job.method = select.column_text(4);
    job.path = select.column_text(5);
    job.body = select.column_text(6);
    job.source = select.column_text(7);
    job.identity = select.column_text(8);
    job.attempt_base = static_cast<int>(select.column_int(9));
    claimed.push_back(std::move(job));
  }
  select.reset();
  for (const ClaimedJob& job : claimed) {
    statements_->hold_job.bind(1, job.job_id)
        .bind(2, run_id)
        .bind(3, job.attempt)
        .bind(4, now)
        .bind(5, now + lease_ms)
        .run();
  }
  return claimed;
}

Status SqliteQueue::release(std::int64_t job_id) {
  try {
    statements_->release_job.bind(1, job_id).run();
    return Ok{};
  } catch (const SqliteError& e) {
    return store_error(e, fmt::format("release job {}", job_id));
  }
}

Result<std::optional<EpochMs>> SqliteQueue::next_pending_at(std::optional<std::int64_t> batch,
                                                             std::optional<EpochMs> wait_until) {
  try {
    Statement& select =
        batch ? statements_->next_pending_at_in_batch : statements_->next_pending_at;
    if (batch) select.bind(1, *batch);
    select.bind(2, std::max(clock_.now_ms(), wait_until.value_or(0)));
    std::optional<EpochMs> earliest;
    if (select.step()) earliest = select.column_optional_int(0);
    select.reset();
    return earliest;
  } catch (const SqliteError& e) {
    return store_error(e, fmt::format("find the next due job in {}", path_));
  }
}

// One statement: the write lock makes it atomic against other connections.
Result<SendWindow> SqliteQueue::reserve_sends(const std::string& scope, std::int64_t interval_us,
                                              int count) {
  try {
    const std::int64_t now_us = clock_.now_ms() * 1000;
    const std::int64_t span = interval_us * count;
    Statement reserve(db_,
                      "INSERT INTO rate_budgets (scope, arrival_us) VALUES (?1, ?2 + ?3) "
                      "ON CONFLICT (scope) DO UPDATE SET arrival_us = MAX(arrival_us, ?2) + ?3 "
                      "RETURNING arrival_us - ?3");
    reserve.bind(1, scope).bind(2, now_us).bind(3, span);
    reserve.step();
    return SendWindow{scope, reserve.column_int(0), interval_us, count};
  } catch (const SqliteError& e) {
    return store_error(e, fmt::format("reserve sends in the rate budget of {}", path_));
  }
}

Status SqliteQueue::hold_sends(const std::string& scope, EpochMs until) {
  try {
    Statement hold(db_,
                   "INSERT INTO rate_budgets (scope, arrival_us) VALUES (?1, ?2) "
                   "ON CONFLICT (scope) DO UPDATE SET arrival_us = MAX(arrival_us, ?2)");
    hold.bind(1, scope).bind(2, until * 1000).run();
    return Ok{};
  } catch (const SqliteError& e) {
    return store_error(e, fmt::format("hold the rate budget of {}", path_));
  }
}

}  // namespace oneall::store
