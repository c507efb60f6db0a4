// `cancel`: pending jobs (filtered: docs/cli.md#choosing-jobs) become cancelled and are not sent
// (`retry --state cancelled` brings them back). Jobs a run is sending (running) are left alone.
// Prints how many were cancelled, or with --dry-run how many would be; a --batch or --job that
// is not in the queue is refused (exit 2).
#include <fmt/format.h>

#include <ostream>

#include "cli/command.hpp"
#include "cli/exit_codes.hpp"
#include "cli/filter_dry_run.hpp"
#include "cli/job_filter_options.hpp"
#include "cli/known_ids.hpp"
#include "cli/open_queue.hpp"
#include "store/job_scope.hpp"
#include "store/queue.hpp"
#include "util/clock.hpp"

namespace oneall::cli {
namespace {

class CancelCommand final : public Command {
 public:
  explicit CancelCommand(CLI::App& app)
      : sub_(app.add_subcommand("cancel", "Cancel pending jobs: they will not be sent")),
        filter_(*sub_, {store::JobState::kPending}) {
    sub_->footer(
        "Name the jobs with filters (--batch, --job, --state, --http-status, --target,\n"
        "--identity; every one given must match) or say --all; only\n"
        "`retry --state cancelled` brings cancelled jobs back.\n"
        "Exit status: 0 done, 2 bad usage, no queue at the path, or a --batch or --job that is\n"
        "not in the queue, 5 storage or system error.");
    sub_->add_flag("--json", json_, "Print one JSON object");
    sub_->add_flag("--all", all_, "Cancel every pending job (needed when no filter is given)");
    sub_->add_flag("--dry-run", dry_run_,
                   "Say how many jobs the filters select, by state, and how many would be "
                   "cancelled; change nothing");
  }

  CLI::App& subcommand() override { return *sub_; }

  int run(const GlobalOptions& global, Streams streams) override {
    const store::JobFilter& filter = filter_.filter();
    if (!all_ && !filter.narrows()) {
      // Cancelling a whole queue by a slip of the keyboard is not undoable by `retry`.
      streams.err << "cancel: name the jobs with --batch ID, --job ID, --state pending, "
                     "--http-status, --target or --identity, or say --all\n";
      return kExitUsage;
    }
    SystemClock clock;
    auto opened = open_queue(global, clock, streams.err, store::QueueOpen::kExistingOnly);
    if (!opened.queue) return opened.exit_code;
    if (auto refused = refuse_unknown_ids(*opened.queue, filter, "cancel", streams.err)) {
      return *refused;
    }
    if (dry_run_) {
      return print_filter_dry_run(
          *opened.queue, filter,
          {"cancel", "would be cancelled", "would_cancel", store::cancel_states(filter)}, json_,
          global, streams);
    }
    auto moved = opened.queue->cancel_jobs(filter);
    if (!moved) {
      streams.err << moved.error().message << '\n';
      return kExitStorage;
    }
    if (json_) {
      streams.out << with_queue_field(
                         global, fmt::format(R"({{"cancelled":{},"exit_code":0}})", *moved))
                  << '\n';
    } else {
      streams.out << queue_line(global, *opened.queue) << '\n'
                  << fmt::format("{} pending job(s) cancelled", *moved) << '\n';
    }
    return kExitOk;
  }

 private:
  CLI::App* sub_;
  JobFilterOptions filter_;
  bool json_ = false;
  bool all_ = false;
  bool dry_run_ = false;
};

}  // namespace

std::unique_ptr<Command> make_cancel_command(CLI::App& app) {
  return std::make_unique<CancelCommand>(app);
}

}  // namespace oneall::cli
