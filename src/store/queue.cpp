// What every backend of Queue shares: claim and finish are one turn of finish_and_claim with
// nothing to finish or nothing to claim, and a turn's completions are checked here, once, before
// a backend's write_turn writes them.
#include "store/queue.hpp"

#include <fmt/format.h>

#include "store/job_keys.hpp"
#include "util/sha256.hpp"

namespace oneall::store {

Status Queue::ImportSession::add(const api::Action& action, const api::HttpRequest& request,
                                 const std::string& source, const api::Schedule& schedule) {
  Sha256 hasher;
  const NewJob job = keyed_job(hasher, action, schedule, request, source);
  return add_all(std::span(&job, 1));
}

Result<std::vector<ClaimedJob>> Queue::claim(std::int64_t run_id, std::size_t limit,
                                             std::int64_t lease_ms,
                                             std::optional<std::int64_t> batch) {
  if (limit == 0) return std::vector<ClaimedJob>{};
  return finish_and_claim({}, run_id, limit, lease_ms, batch);
}

Status Queue::finish(const AttemptRecord& attempt, const JobTransition& transition) {
  const Completion one{attempt, transition};
  return finish(std::span(&one, 1));
}

Status Queue::finish(std::span<const Completion> completions) {
  auto finished = finish_and_claim(completions, 0, 0, 0, std::nullopt);
  if (!finished) return finished.error();
  return Ok{};
}

Result<std::vector<ClaimedJob>> Queue::finish_and_claim(std::span<const Completion> completions,
                                                        std::int64_t run_id, std::size_t limit,
                                                        std::int64_t lease_ms,
                                                        std::optional<std::int64_t> batch) {
  for (const Completion& c : completions) {
    if (c.transition.state == JobState::kRunning) {
      return Error{fmt::format("cannot record attempt {} of job {}: an attempt cannot leave its "
                               "job running",
                               c.attempt.attempt, c.attempt.job_id)};
    }
  }
  return write_turn(completions, run_id, limit, lease_ms, batch);
}

}  // namespace oneall::store
