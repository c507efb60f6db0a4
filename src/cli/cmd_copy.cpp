// `copy SOURCE DEST`: a whole queue — batches, jobs, runs, the attempt log with its links and
// hashes, leases and settings — from one database into a new or empty one, on either backend
// (docs/cli.md#copy). The rows stream from SOURCE's snapshot into DEST's one transaction, so
// DEST gets all of the queue or nothing, and memory does not grow with the queue. No run may
// work SOURCE meanwhile: the copy holds it (hold_source) until it ends.
#include <fmt/format.h>

#include <chrono>
#include <optional>
#include <ostream>
#include <string>
#include <utility>

#include "cli/command.hpp"
#include "cli/exit_codes.hpp"
#include "cli/run_lock.hpp"
#include "store/queue.hpp"
#include "store/queue_location.hpp"
#include "util/clock.hpp"
#include "util/text.hpp"

namespace oneall::cli {
namespace {

constexpr std::int64_t kProgressEveryRows = 100'000;

// What keeps runs away from SOURCE while it is copied, or, when a run holds it, who that is.
struct SourceHold {
  std::optional<RunLock> lock;  // SQLite: held until the copy ends
  std::string holder;           // the run that holds SOURCE, for the message; empty: none
};

// The one place `copy` decides whether a run holds SOURCE. A SQLite queue: `copy` takes `run`'s
// own lock (flock on SOURCE.lock) until it ends, so no run starts while it reads. A PostgreSQL
// queue takes many runs at once and has no such lock: a live run (status's) refuses the copy,
// and one that starts while the copy reads changes nothing the copy sees (one snapshot), but its
// work is not in the copy (docs/cli.md#copy).
Result<SourceHold> hold_source(store::Queue& source, const std::string& location, EpochMs now) {
  if (source.runs_at_once()) {
    auto status = source.status();
    if (!status) return status.error();
    if (status->live_runs.empty()) return SourceHold{std::nullopt, ""};
    const store::LiveRun& run = status->live_runs.front();
    return SourceHold{std::nullopt, fmt::format("run {}, pid {} on host {}, since {}", run.run_id,
                                                run.pid, run.host, format_utc_ms(run.started_at))};
  }
  auto lock = RunLock::try_acquire(location, now);
  if (!lock) return lock.error();
  if (!lock->owns_lock()) return SourceHold{std::nullopt, lock->holder()};
  return SourceHold{std::move(lock).value(), ""};
}

// Passes each row on to the copy's session, counting them, with a line on stderr every
// kProgressEveryRows rows of a long copy.
class CountingSink final : public store::Queue::RowSink {
 public:
  CountingSink(store::Queue::RowSink& target, std::int64_t total, std::ostream& err)
      : target_(target), total_(total), err_(err) {}

  Status add(const store::SettingRecord& row) override { return pass(row, copied_.settings); }
  Status add(const store::BatchRecord& row) override { return pass(row, copied_.batches); }
  Status add(const store::RunRecord& row) override { return pass(row, copied_.runs); }
  Status add(const store::JobRecord& row) override { return pass(row, copied_.jobs); }
  Status add(const store::ChainCheckpoint& row) override { return pass(row, copied_.checkpoints); }
  Status add(const store::ChainedAttempt& row) override { return pass(row, copied_.attempts); }
  Status add(const store::InFlightRecord& row) override { return pass(row, copied_.in_flight); }
  Status add(const store::PausedScope& row) override { return pass(row, copied_.paused_scopes); }

  const store::QueueSize& copied() const { return copied_; }

 private:
  template <class Row>
  Status pass(const Row& row, std::int64_t& count) {
    auto added = target_.add(row);
    if (!added) return added;
    ++count;
    const std::int64_t rows = copied_.rows();
    if (rows % kProgressEveryRows == 0) {
      err_ << fmt::format("copied {} of {} rows ({}%)\n", rows, total_,
                          total_ > 0 ? rows * 100 / total_ : 100);
    }
    return added;
  }

  store::Queue::RowSink& target_;
  std::int64_t total_;
  std::ostream& err_;
  store::QueueSize copied_;
};

std::string describe(const store::QueueSize& size) {
  return fmt::format(
      "{} batch(es), {} job(s), {} run(s), {} attempt row(s), {} job(s) in flight, "
      "{} setting(s){}{}",
      size.batches, size.jobs, size.runs, size.attempts, size.in_flight, size.settings,
      size.checkpoints == 0
          ? ""
          : fmt::format(", {} chain checkpoint(s) of pruned rows", size.checkpoints),
      size.paused_scopes == 0 ? "" : fmt::format(", {} paused scope(s)", size.paused_scopes));
}

std::string copy_json(const std::string& source, const std::string& dest,
                      const store::QueueSize& copied, std::int64_t duration_ms) {
  return fmt::format(
      R"({{"source":{},"destination":{},"settings":{},"batches":{},"runs":{},"jobs":{},)"
      R"("attempts":{},"in_flight":{},"paused_scopes":{},"rows":{},"duration_ms":{},)"
      R"("exit_code":0}})",
      json_string(source), json_string(dest), copied.settings, copied.batches, copied.runs,
      copied.jobs, copied.attempts, copied.in_flight, copied.paused_scopes, copied.rows(),
      duration_ms);
}

class CopyCommand final : public Command {
 public:
  explicit CopyCommand(CLI::App& app)
      : sub_(app.add_subcommand(
            "copy", "Copy a whole queue, audit log included, into a new or empty database")) {
    sub_->footer(
        "SOURCE and DEST are each a SQLite file or a PostgreSQL URI, as --db takes them.\n"
        "Everything is copied as stored, in one transaction: DEST gets the whole queue or\n"
        "nothing, and `audit verify --db DEST` checks the copied chain. No run may work SOURCE\n"
        "meanwhile.\n"
        "Exit status: 0 copied, 2 bad usage, no queue at SOURCE or a DEST that is not empty,\n"
        "3 a run is working on SOURCE, 5 storage or system error.");
    sub_->add_option("source", source_, "The queue to copy: a file path or a PostgreSQL URI")
        ->required();
    sub_->add_option("dest", dest_, "Where to copy it: a new or empty queue, path or URI")
        ->required();
    sub_->add_flag("--json", json_, "Print the result as one JSON object");
  }

  CLI::App& subcommand() override { return *sub_; }
  bool uses_queue() const override { return false; }  // two queues of its own, not --db

  int run(const GlobalOptions&, Streams streams) override {
    for (const auto& [role, location] : {std::pair{"SOURCE", &source_}, {"DEST", &dest_}}) {
      if (auto parsed = store::parse_queue_location(*location); !parsed) {
        streams.err << role << ' ' << parsed.error().message << '\n';
        return kExitUsage;
      }
    }
    const std::string source = store::shown_location(source_);
    const std::string dest = store::shown_location(dest_);
    auto exists = store::Queue::exists(source_);
    if (!exists) {
      streams.err << exists.error().message << '\n';
      return kExitStorage;
    }
    if (!*exists) {
      streams.err << fmt::format(
          "there is no queue at {}: check the path or URI of the queue to copy\n", source);
      return kExitUsage;
    }

    SystemClock clock;
    auto from = store::Queue::open(source_, clock, store::QueueOpen::kExistingOnly);
    if (!from) {
      streams.err << from.error().message << '\n';
      return kExitStorage;
    }
    auto hold = hold_source(**from, source_, clock.now_ms());
    if (!hold) {
      streams.err << hold.error().message << '\n';
      return kExitStorage;
    }
    if (!hold->holder.empty()) {
      streams.err << fmt::format(
          "a run is working on {}: {}.\nWait for it to end (or stop it with SIGTERM), then copy "
          "again: a queue is copied while no run changes it.\n",
          source, hold->holder);
      return kExitLocked;
    }
    auto to = store::Queue::open(dest_, clock, store::QueueOpen::kCreateIfMissing);
    if (!to) {
      streams.err << to.error().message << '\n';
      return kExitStorage;
    }
    return copy(**from, **to, source, dest, streams);
  }

 private:
  int copy(store::Queue& from, store::Queue& to, const std::string& source, const std::string& dest,
           Streams streams) {
    const auto started = std::chrono::steady_clock::now();
    auto held = to.size();
    if (!held) {
      streams.err << held.error().message << '\n';
      return kExitStorage;
    }
    if (!held->empty()) {
      streams.err << fmt::format(
          "{} already holds a queue ({}): copy writes only into a new or empty queue; name "
          "another database, or remove that queue first. Nothing was copied.\n",
          dest, describe(*held));
      return kExitUsage;
    }
    auto total = from.size();
    if (!total) {
      streams.err << total.error().message << '\n';
      return kExitStorage;
    }
    auto session = to.begin_copy_in();
    if (!session) {
      streams.err << session.error().message << '\n';
      return kExitStorage;
    }
    CountingSink counting(**session, total->rows(), streams.err);
    if (auto copied = from.copy_rows_to(counting); !copied) {
      streams.err << copied.error().message << '\n';
      return kExitStorage;
    }
    if (auto committed = (*session)->commit(); !committed) {
      streams.err << committed.error().message << '\n';
      return kExitStorage;
    }
    const auto duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::steady_clock::now() - started)
                                 .count();
    if (json_) {
      streams.out << copy_json(source, dest, counting.copied(), duration_ms) << '\n';
      return kExitOk;
    }
    streams.out << fmt::format(
        "copied {} to {}{}: {}, {} rows in {:.1f} s\n"
        "check the copy's audit log with: oneall-bulk audit verify --db {}\n",
        source, dest, to.created_now() ? " (created now)" : "", describe(counting.copied()),
        counting.copied().rows(), static_cast<double>(duration_ms) / 1000.0, dest);
    return kExitOk;
  }

  CLI::App* sub_;
  std::string source_;
  std::string dest_;
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> make_copy_command(CLI::App& app) {
  return std::make_unique<CopyCommand>(app);
}

}  // namespace oneall::cli
