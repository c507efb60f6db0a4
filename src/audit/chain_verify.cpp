#include "audit/chain_verify.hpp"

#include <fmt/format.h>

#include "store/attempt_chain.hpp"

namespace oneall::audit {
namespace {

// What a row whose link does not match the row before it says about the log. `linked` is where
// the row it was chained to now sits, if anywhere.
ChainBreak link_break(std::optional<std::int64_t> linked, std::int64_t id, std::int64_t job_id,
                      std::int64_t last_id) {
  if (linked) {
    return {id, job_id, ChainProblem::kReordered,
            fmt::format("it was written after row {}, which now sits {} it", *linked,
                        *linked > id ? "after" : "further before")};
  }
  if (last_id == 0) {
    return {id, job_id, ChainProblem::kMissing,
            "it was not the first row written, but the rows before it are gone (deleted)"};
  }
  if (id > last_id + 1) {
    return {id, job_id, ChainProblem::kMissing,
            fmt::format("rows {}..{} before it are gone (deleted); it was chained to one of them",
                        last_id + 1, id - 1)};
  }
  return {id, job_id, ChainProblem::kRelinked,
          fmt::format("the row it was chained to is not in the log: row {} before it was "
                      "rewritten with a fresh hash, or replaced",
                      last_id)};
}

}  // namespace

std::string_view problem_name(ChainProblem problem) {
  switch (problem) {
    case ChainProblem::kEdited:
      return "edited";
    case ChainProblem::kMissing:
      return "missing";
    case ChainProblem::kReordered:
      return "reordered";
    case ChainProblem::kRelinked:
      return "relinked";
    case ChainProblem::kUnhashed:
      return "unhashed";
  }
  return "unknown";
}

ChainStart chain_start(const std::vector<store::ChainCheckpoint>& checkpoints) {
  ChainStart start;
  start.hash = std::string(store::kChainGenesis);
  for (const store::ChainCheckpoint& checkpoint : checkpoints) {
    if (checkpoint.start_hash != start.hash || checkpoint.after_attempt_id != start.after_id) {
      start.broken = ChainBreak{
          checkpoint.last_attempt_id, 0, ChainProblem::kRelinked,
          fmt::format("chain checkpoint {} (prune into {}) does not start where the one before "
                      "it ends: a checkpoint was edited or deleted",
                      checkpoint.id, checkpoint.archive)};
      return start;
    }
    start.after_id = checkpoint.last_attempt_id;
    start.hash = checkpoint.end_hash;
    ++start.checkpoints;
    start.rows_pruned += checkpoint.attempts;
  }
  return start;
}

Result<ChainReport> verify_chain(store::Queue& queue) {
  ChainReport report;
  auto checkpoints = queue.chain_checkpoints();
  if (!checkpoints) return checkpoints.error();
  ChainStart start = chain_start(*checkpoints);
  report.head = start.hash;
  report.checkpoints = start.checkpoints;
  report.rows_pruned = start.rows_pruned;
  if (start.broken) {
    report.broken = start.broken;
    return report;
  }
  std::int64_t last_id = start.after_id;
  std::optional<std::string> broken_link;  // the prev_hash of a row chained elsewhere
  Status read = queue.for_each_chained_attempt([&](const store::ChainedAttempt& row) {
    if (!row.prev_hash || !row.row_hash) {
      report.broken = ChainBreak{row.id, row.job_id, ChainProblem::kUnhashed,
                                 "it has no hash: it was written around oneall-bulk"};
      return false;
    }
    if (store::chain_hash(row.values, *row.prev_hash) != *row.row_hash) {
      report.broken = ChainBreak{row.id, row.job_id, ChainProblem::kEdited,
                                 "its content no longer matches its hash: a column was changed "
                                 "after it was written"};
      return false;
    }
    if (*row.prev_hash != report.head) {
      report.broken = ChainBreak{row.id, row.job_id, ChainProblem::kRelinked, ""};
      broken_link = *row.prev_hash;
      return false;
    }
    report.head = *row.row_hash;
    last_id = row.id;
    ++report.rows_checked;
    return true;
  });
  if (!read) return read.error();
  if (broken_link) {  // where the row it was chained to went decides what happened
    auto linked = queue.attempt_with_hash(*broken_link);
    if (!linked) return linked.error();
    report.broken = link_break(*linked, report.broken->row_id, report.broken->job_id, last_id);
  }
  return report;
}

}  // namespace oneall::audit
