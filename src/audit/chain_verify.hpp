// `audit verify`: walks the attempt log's hash chain (store/attempt_chain.hpp) in id order and
// finds the first row that does not check out: its content no longer matches its hash (a
// column was edited), or its link does not match the row before it (rows deleted, reordered,
// or rewritten with fresh hashes). Reads only, one row at a time.
//
// What a chain cannot show by itself: rows deleted from the end of the log, or the whole log
// rewritten with new hashes. Keeping the head hash it reports somewhere else (a cron mail, a
// ticket) closes that gap: a later head must have the same rows before it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/queue.hpp"
#include "util/result.hpp"

namespace oneall::audit {

enum class ChainProblem {
  kEdited,     // its content does not match its own hash
  kMissing,    // the row it was chained to is gone (deleted)
  kReordered,  // the row it was chained to is elsewhere in the log
  kRelinked,   // it links to something else than the row before it, which is not in the log
  kUnhashed,   // no hash at all: written around oneall-bulk
};

std::string_view problem_name(ChainProblem problem);  // "edited", "missing", ...

struct ChainBreak {
  std::int64_t row_id = 0;
  std::int64_t job_id = 0;
  ChainProblem problem = ChainProblem::kEdited;
  std::string detail;  // one sentence: what was found, naming the rows involved
};

struct ChainReport {
  std::int64_t rows_checked = 0;  // rows that checked out (before the break, if any)
  std::string head;               // row_hash of the last row checked out (genesis when none)
  // What `prune` moved out before the rows checked: the checkpoints the walk starts from
  // (docs/formats.md#archives); the log in the queue chains from the last one's end.
  std::int64_t checkpoints = 0;
  std::int64_t rows_pruned = 0;
  std::optional<ChainBreak> broken;
};

// The log's start once rows were pruned: checks that the queue's checkpoints chain one to the
// next from the genesis, and returns the last one's end (the genesis when none), or the break.
struct ChainStart {
  std::int64_t after_id = 0;
  std::string hash;
  std::int64_t checkpoints = 0;
  std::int64_t rows_pruned = 0;
  std::optional<ChainBreak> broken;
};
ChainStart chain_start(const std::vector<store::ChainCheckpoint>& checkpoints);

// Reads the log through the queue's interface, so it checks every backend the same way.
Result<ChainReport> verify_chain(store::Queue& queue);

}  // namespace oneall::audit
