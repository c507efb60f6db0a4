// `prune` from start to end (docs/cli.md#prune), on any backend: read what may go
// (Queue::prune_rows_to) into an archive file (ArchiveWriter), which is complete and synced
// before the queue deletes anything (Queue::commit_prune, one transaction), then give the space
// back (Queue::reclaim_space). Killed at any point, it leaves the queue whole or pruned, never
// half: before the delete commits nothing is gone, and after it the archive is already on disk.
// A second prune finds nothing new and writes nothing. An archive file already at the path is
// kept, unless it is the archive of a prune that was stopped before its delete (its rows are
// still in the queue): then this prune writes it again.
#pragma once

#include <functional>
#include <string>

#include "store/queue.hpp"
#include "util/clock.hpp"

namespace oneall::audit {

struct PruneRequest {
  EpochMs before = 0;
  std::string archive;  // the file to write
};

// Points a test may stop the prune at (a kill -9 there must leave the queue whole).
struct PruneHooks {
  std::function<void()> archive_written;  // complete, synced, named; nothing deleted yet
};

struct PruneRun {
  enum class Ending {
    kPruned,        // archived, deleted, space reclaimed (or reclaim failed: `message`)
    kNothing,       // nothing to prune; no file written
    kArchiveTaken,  // the archive path holds another prune's archive or another file
    kChainBroken,   // the log to prune does not verify; nothing written or deleted
    kFailed,        // storage or system error (`message`); the queue is whole
  };
  Ending ending = Ending::kFailed;
  store::PrunePlan plan;
  std::string reclaimed;           // how the space was given back ("VACUUM", "autovacuum")
  bool replaced_leftover = false;  // the archive path held a stopped prune's archive
  std::string message;             // what went wrong, and what to do
};

PruneRun prune_queue(store::Queue& queue, const PruneRequest& request, const Clock& clock,
                     const PruneHooks& hooks = {});

}  // namespace oneall::audit
