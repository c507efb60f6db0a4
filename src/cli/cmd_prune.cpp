// `prune --before WHEN --archive FILE` (docs/cli.md#prune): moves the jobs that ended before
// WHEN, and the attempt rows at the start of the log that are theirs, into a gzip JSON Lines
// archive, then deletes them from the queue and gives the space back (audit/queue_prune.hpp
// does the work; this file is its command line). On a SQLite queue it holds the run lock, so no
// run works the queue meanwhile (exit 3 if one does); a PostgreSQL queue's runs go on.
#include <fmt/format.h>
#include <sys/stat.h>

#include <optional>
#include <ostream>

#include "audit/queue_prune.hpp"
#include "cli/before_arg.hpp"
#include "cli/command.hpp"
#include "cli/exit_codes.hpp"
#include "cli/open_queue.hpp"
#include "cli/run_lock.hpp"
#include "store/queue.hpp"
#include "store/queue_location.hpp"
#include "util/clock.hpp"
#include "util/text.hpp"

namespace oneall::cli {
namespace {

// The bytes of a SQLite queue: the file and its write-ahead log. None for PostgreSQL.
std::optional<std::int64_t> file_bytes(const std::string& db) {
  auto location = store::parse_queue_location(db);
  if (!location || location->kind != store::QueueLocation::Kind::kSqlite) return std::nullopt;
  std::int64_t total = 0;
  for (const std::string& path : {db, db + "-wal"}) {
    struct stat info {};
    if (::stat(path.c_str(), &info) == 0) total += info.st_size;
  }
  return total;
}

std::string mib(std::int64_t bytes) {
  return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
}

std::string optional_number(const std::optional<std::int64_t>& value) {
  return value ? std::to_string(*value) : "null";
}

class PruneCommand final : public Command {
 public:
  explicit PruneCommand(CLI::App& app)
      : sub_(app.add_subcommand(
            "prune", "Move jobs that ended long ago, and their attempt rows, into an archive")) {
    sub_->footer(
        "Jobs that succeeded, failed, are dead or were cancelled, and last changed before WHEN,\n"
        "go with their attempt rows into FILE (gzip JSON Lines), which is complete and synced\n"
        "before anything is deleted; the log keeps a checkpoint, so `audit verify` passes on\n"
        "what is left and `audit verify --archive FILE` checks the archive. Only rows at the\n"
        "start of the log can go: a job not yet ended keeps every later row in the queue.\n"
        "WHEN: an age (90d, 36h) or an RFC 3339 date (2026-01-31, 2026-01-31T12:00:00Z).\n"
        "Exit status: 0 pruned or nothing to prune, 1 the log does not verify (nothing done),\n"
        "2 bad usage, no queue at the path or FILE holds another archive, 3 a run is working on\n"
        "the SQLite queue, 5 storage or system error.");
    sub_->add_option("--before", before_, "Prune jobs that last changed before WHEN: 90d or a date")
        ->required();
    sub_->add_option("--archive", archive_, "The archive file to write (a new file, .jsonl.gz)")
        ->required();
    sub_->add_flag("--json", json_, "Print one JSON object");
  }

  CLI::App& subcommand() override { return *sub_; }

  int run(const GlobalOptions& global, Streams streams) override {
    SystemClock clock;
    auto before = parse_before(before_, clock.now_ms());
    if (!before) {
      streams.err << before.error().message << '\n';
      return kExitUsage;
    }
    auto opened = open_queue(global, clock, streams.err, store::QueueOpen::kExistingOnly);
    if (!opened.queue) return opened.exit_code;
    store::Queue& queue = *opened.queue;

    std::optional<RunLock> lock;
    if (!queue.runs_at_once()) {
      auto acquired = RunLock::try_acquire(global.db, clock.now_ms());
      if (!acquired) {
        streams.err << acquired.error().message << '\n';
        return kExitStorage;
      }
      if (!acquired->owns_lock()) {
        streams.err << fmt::format(
            "a run is working on {}: {}.\nPrune when it has ended (a cron job: after the run).\n",
            queue.path(), acquired->holder());
        return kExitLocked;
      }
      lock.emplace(std::move(acquired).value());
    }

    const auto bytes_before = file_bytes(global.db);
    const audit::PruneRun pruned = audit::prune_queue(queue, {*before, archive_}, clock);
    const auto bytes_after = file_bytes(global.db);
    return report(global, queue, pruned, *before, bytes_before, bytes_after, streams);
  }

 private:
  int report(const GlobalOptions& global, store::Queue& queue, const audit::PruneRun& pruned,
             EpochMs before, std::optional<std::int64_t> bytes_before,
             std::optional<std::int64_t> bytes_after, Streams streams) {
    using Ending = audit::PruneRun::Ending;
    switch (pruned.ending) {
      case Ending::kArchiveTaken:
        streams.err << pruned.message << '\n';
        return kExitUsage;
      case Ending::kChainBroken:
        streams.err << queue.path() << ": " << pruned.message << '\n';
        return kExitJobsFailed;
      case Ending::kFailed:
        streams.err << pruned.message << '\n';
        return kExitStorage;
      case Ending::kNothing:
      case Ending::kPruned:
        break;
    }
    const store::PrunePlan& plan = pruned.plan;
    const bool done = pruned.ending == Ending::kPruned;
    if (!pruned.message.empty()) streams.err << pruned.message << '\n';  // the reclaim failed
    if (json_) {
      streams.out << with_queue_field(
                         global,
                         fmt::format(
                             R"({{"before":"{}","archive":{},"pruned":{},"batches":{},"jobs":{},)"
                             R"("attempt_rows":{},"last_attempt_row":{},"end_hash":"{}",)"
                             R"("space":{},"bytes_before":{},"bytes_after":{},"exit_code":0}})",
                             format_utc_ms(before), done ? json_string(archive_) : "null",
                             done ? "true" : "false", plan.batches, plan.jobs, plan.attempts,
                             plan.last_attempt_id, plan.end_hash,
                             done ? json_string(pruned.reclaimed) : "null",
                             optional_number(bytes_before), optional_number(bytes_after)))
                  << '\n';
      return kExitOk;
    }
    streams.out << queue_line(global, queue) << '\n';
    if (!done) {
      streams.out << fmt::format(
          "nothing to prune: no job that ended before {} is left at the start of the attempt "
          "log; no archive written\n",
          format_utc_ms(before));
      return kExitOk;
    }
    streams.out << fmt::format(
        "pruned {} job(s) and {} attempt row(s) (rows {}..{}, {} batch(es) emptied) that ended "
        "before {} into {}{}\n"
        "the log in the queue now goes on from row {}'s hash {}\n",
        plan.jobs, plan.attempts, plan.after_attempt_id + 1, plan.last_attempt_id, plan.batches,
        format_utc_ms(before), archive_,
        pruned.replaced_leftover ? " (replacing a stopped prune's archive)" : "",
        plan.last_attempt_id, plan.end_hash);
    if (bytes_before && bytes_after) {
      streams.out << fmt::format("space: {}, the queue's files {} -> {}\n", pruned.reclaimed,
                                 mib(*bytes_before), mib(*bytes_after));
    } else if (!pruned.reclaimed.empty()) {
      streams.out << fmt::format("space: {} makes the rows' space reusable\n", pruned.reclaimed);
    }
    streams.out << fmt::format("check the archive with: oneall-bulk audit verify --archive {}\n",
                               archive_);
    return kExitOk;
  }

  CLI::App* sub_;
  std::string before_;
  std::string archive_;
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> make_prune_command(CLI::App& app) {
  return std::make_unique<PruneCommand>(app);
}

}  // namespace oneall::cli
