// `retry`: failed and dead jobs (filtered: docs/cli.md#choosing-jobs) back to pending, with a
// fresh set of attempts; the next run sends them. Cancelled jobs too, when --state names them.
// Prints how many moved, or with --dry-run how many would; a --batch or --job that is not in the
// queue is refused (exit 2).
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

class RetryCommand final : public Command {
 public:
  explicit RetryCommand(CLI::App& app)
      : sub_(app.add_subcommand("retry",
                                "Move failed and dead jobs (or, with --state cancelled, cancelled "
                                "ones) back to pending")),
        filter_(*sub_, {store::JobState::kFailed, store::JobState::kDead,
                        store::JobState::kCancelled}) {
    sub_->footer(
        "The filters combine: every one given must match. Without --state, failed and dead\n"
        "jobs move; cancelled ones only when --state names them.\n"
        "Exit status: 0 done, 2 bad usage, no queue at the path, or a --batch or --job that is\n"
        "not in the queue, 5 storage or system error.");
    sub_->add_flag("--json", json_, "Print one JSON object");
    sub_->add_flag("--dry-run", dry_run_,
                   "Say how many jobs the filters select, by state, and how many would move; "
                   "change nothing");
  }

  CLI::App& subcommand() override { return *sub_; }

  int run(const GlobalOptions& global, Streams streams) override {
    SystemClock clock;
    auto opened = open_queue(global, clock, streams.err, store::QueueOpen::kExistingOnly);
    if (!opened.queue) return opened.exit_code;
    if (auto refused = refuse_unknown_ids(*opened.queue, filter_.filter(), "retry", streams.err)) {
      return *refused;
    }
    if (dry_run_) {
      return print_filter_dry_run(*opened.queue, filter_.filter(),
                                  {"retry", "would move back to pending", "would_retry",
                                   store::retry_states(filter_.filter())},
                                  json_, global, streams);
    }
    auto moved = opened.queue->retry_jobs(filter_.filter());
    if (!moved) {
      streams.err << moved.error().message << '\n';
      return kExitStorage;
    }
    if (json_) {
      streams.out << with_queue_field(global,
                                      fmt::format(R"({{"retried":{},"exit_code":0}})", *moved))
                  << '\n';
    } else {
      streams.out << queue_line(global, *opened.queue) << '\n'
                  << fmt::format("{} job(s) moved back to pending; `run` sends them", *moved)
                  << '\n';
    }
    return kExitOk;
  }

 private:
  CLI::App* sub_;
  JobFilterOptions filter_;
  bool json_ = false;
  bool dry_run_ = false;
};

}  // namespace

std::unique_ptr<Command> make_retry_command(CLI::App& app) {
  return std::make_unique<RetryCommand>(app);
}

}  // namespace oneall::cli
