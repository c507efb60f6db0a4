// `audit verify --archive FILE`: checks a prune archive (archive_format.hpp) on its own — every
// attempt row's hash, every link, the end line's counts and ends, nothing after it — and then
// against the queue it was pruned from: one of the queue's chain checkpoints must record exactly
// this archive's rows (where they chain from, the last row, its hash, how many). Together with
// `audit verify` on the queue, that shows the log whole from the genesis: archive by archive to
// the last checkpoint, and from there the rows the queue still holds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "audit/archive_format.hpp"
#include "store/records.hpp"
#include "util/result.hpp"

namespace oneall::audit {

struct ArchiveReport {
  std::int64_t rows_checked = 0;  // attempt rows that checked out
  std::int64_t jobs = 0;
  std::int64_t batches = 0;
  std::optional<ArchiveEnd> end;                     // the end line, once read
  std::optional<store::ChainCheckpoint> checkpoint;  // the queue's record of this archive
  std::optional<std::string> problem;  // the first thing wrong: what, and where in the file
  bool intact() const { return !problem; }
};

// Reads the archive at `path` and checks it on its own. An Error only when the file cannot be
// opened; anything wrong inside it is the report's problem.
Result<ArchiveReport> read_archive(const std::string& path);

// Finds the checkpoint among `checkpoints` that records `report`'s rows; sets the problem when
// none does.
void match_checkpoint(ArchiveReport& report,
                      const std::vector<store::ChainCheckpoint>& checkpoints);

}  // namespace oneall::audit
