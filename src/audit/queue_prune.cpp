#include "audit/queue_prune.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <filesystem>

#include "audit/archive_verify.hpp"
#include "audit/archive_writer.hpp"
#include "audit/chain_verify.hpp"

namespace oneall::audit {
namespace {

using Ending = PruneRun::Ending;

PruneRun ended(Ending ending, std::string message) {
  PruneRun run;
  run.ending = ending;
  run.message = std::move(message);
  return run;
}

// Whether the archive path may be written: nothing there, or the archive of a prune that
// stopped before its delete (its rows chain from where the queue's log starts now, and no
// checkpoint records it). Sets `leftover` for the latter.
std::optional<PruneRun> check_target(store::Queue& queue, const std::string& path, bool& leftover) {
  struct stat existing {};
  if (::lstat(path.c_str(), &existing) != 0) return std::nullopt;
  auto checkpoints = queue.chain_checkpoints();
  if (!checkpoints) return ended(Ending::kFailed, checkpoints.error().message);
  const ChainStart start = chain_start(*checkpoints);
  auto report = read_archive(path);
  if (report && report->intact() && report->end && report->end->start_hash == start.hash &&
      report->end->after_attempt_id == start.after_id) {
    match_checkpoint(*report, *checkpoints);
    if (!report->checkpoint) {
      leftover = true;
      return std::nullopt;
    }
  }
  return ended(Ending::kArchiveTaken,
               fmt::format("{} already exists and is not the archive of a prune stopped before "
                           "its delete: prune never overwrites an archive. Name a new file, "
                           "such as one with the date in its name (archive-$(date +%F).jsonl.gz)",
                           path));
}

}  // namespace

PruneRun prune_queue(store::Queue& queue, const PruneRequest& request, const Clock& clock,
                     const PruneHooks& hooks) {
  auto writer =
      ArchiveWriter::create(request.archive, {queue.path(), clock.now_ms(), request.before});
  if (!writer) return ended(Ending::kFailed, writer.error().message);
  const std::string partial = request.archive + ".partial";
  const auto discard = [&] {
    std::error_code ignored;
    std::filesystem::remove(partial, ignored);
  };

  auto plan = queue.prune_rows_to(request.before, **writer);
  if (!plan) {
    discard();
    if ((*writer)->broken()) return ended(Ending::kChainBroken, *(*writer)->broken());
    return ended(Ending::kFailed, plan.error().message);
  }
  if (plan->empty()) {
    discard();
    PruneRun run = ended(Ending::kNothing, "");
    run.plan = *plan;
    return run;
  }
  // Asked only now, so that a prune that finds nothing new says so whatever the path holds.
  bool leftover = false;
  if (auto refused = check_target(queue, request.archive, leftover)) {
    discard();
    return *refused;
  }
  if (auto finished = (*writer)->finish(*plan); !finished) {
    discard();
    if ((*writer)->broken()) return ended(Ending::kChainBroken, *(*writer)->broken());
    return ended(Ending::kFailed,
                 finished.error().message + "; nothing was deleted from the queue");
  }
  if (hooks.archive_written) hooks.archive_written();

  if (auto committed = queue.commit_prune(*plan, request.archive); !committed) {
    return ended(Ending::kFailed, committed.error().message);
  }
  PruneRun run;
  run.ending = Ending::kPruned;
  run.plan = *plan;
  run.replaced_leftover = leftover;
  auto reclaimed = queue.reclaim_space();
  if (reclaimed) {
    run.reclaimed = *reclaimed;
  } else {
    run.message = reclaimed.error().message;
  }
  return run;
}

}  // namespace oneall::audit
