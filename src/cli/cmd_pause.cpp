// `pause` and `resume` (docs/cli.md#pause-and-resume): a batch, or the whole queue, is paused
// until resumed; no run claims a job in a paused scope, also a run already going (it finishes
// what is in flight and starts nothing more there). The two commands are one another's undo, so
// they share this file. Doing it twice is fine and says so; an unknown --batch is exit 2.
#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <ostream>

#include "cli/command.hpp"
#include "cli/exit_codes.hpp"
#include "cli/known_ids.hpp"
#include "cli/open_queue.hpp"
#include "store/queue.hpp"
#include "util/clock.hpp"
#include "util/text.hpp"
#include "util/this_host.hpp"

namespace oneall::cli {
namespace {

// Who paused, for `status`: user@host.
std::string this_user_at_host() {
  std::string user;
  if (const char* name = std::getenv("USER"); name != nullptr && *name != '\0') {
    user = name;
  } else if (const passwd* entry = getpwuid(geteuid()); entry != nullptr) {
    user = entry->pw_name;
  } else {
    user = std::to_string(geteuid());
  }
  return user + "@" + host_name();
}

class PauseCommand final : public Command {
 public:
  PauseCommand(CLI::App& app, bool pause)
      : pause_(pause),
        sub_(pause
                 ? app.add_subcommand("pause",
                                      "Stop runs taking jobs of a batch or of the whole queue")
                 : app.add_subcommand("resume", "Let runs take the jobs of a paused scope again")) {
    sub_->footer(
        pause
            ? "Without --batch, pauses the whole queue. Runs going now finish the requests they\n"
              "have started and send nothing more of it; `resume` undoes it.\n"
              "Exit status: 0 paused (or already paused), 2 bad usage, no queue at the path, or a\n"
              "--batch that is not in the queue, 5 storage or system error."
            : "Without --batch, resumes the whole queue (batches paused on their own stay\n"
              "paused). Start a run to send the jobs again.\n"
              "Exit status: 0 resumed (or was not paused), 2 bad usage, no queue at the path, or\n"
              "a --batch that is not in the queue, 5 storage or system error.");
    sub_->add_option("--batch", batch_,
                     pause ? "Pause only this batch id" : "Resume only this batch id");
    sub_->add_flag("--json", json_, "Print one JSON object");
  }

  CLI::App& subcommand() override { return *sub_; }

  int run(const GlobalOptions& global, Streams streams) override {
    const char* command = pause_ ? "pause" : "resume";
    SystemClock clock;
    auto opened = open_queue(global, clock, streams.err, store::QueueOpen::kExistingOnly);
    if (!opened.queue) return opened.exit_code;
    store::JobFilter filter;
    filter.batch_id = batch_;
    if (auto refused = refuse_unknown_ids(*opened.queue, filter, command, streams.err)) {
      return *refused;
    }
    Result<bool> changed =
        pause_ ? opened.queue->pause(batch_, this_user_at_host()) : opened.queue->resume(batch_);
    if (!changed) {
      streams.err << changed.error().message << '\n';
      return kExitStorage;
    }
    const std::string scope = store::PausedScope{batch_}.scope();
    if (json_) {
      streams.out << with_queue_field(
                         global,
                         fmt::format(R"({{"scope":{},"{}":{},"exit_code":0}})", json_string(scope),
                                     pause_ ? "paused" : "resumed", *changed ? "true" : "false"))
                  << '\n';
      return kExitOk;
    }
    streams.out << queue_line(global, *opened.queue) << '\n' << message(scope, *changed) << '\n';
    return kExitOk;
  }

 private:
  std::string message(const std::string& scope, bool changed) const {
    const std::string what = batch_ ? fmt::format("batch {}", *batch_) : "the queue";
    if (pause_) {
      return changed ? fmt::format(
                           "paused {} ({}): runs take none of its jobs until `oneall-bulk "
                           "resume{}`",
                           what, scope, batch_ ? fmt::format(" --batch {}", *batch_) : "")
                     : fmt::format("{} ({}) was already paused; nothing changed", what, scope);
    }
    return changed ? fmt::format("resumed {} ({}): runs take its jobs again", what, scope)
                   : fmt::format("{} ({}) was not paused; nothing changed", what, scope);
  }

  const bool pause_;
  CLI::App* sub_;
  std::optional<std::int64_t> batch_;
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> make_pause_command(CLI::App& app) {
  return std::make_unique<PauseCommand>(app, true);
}

std::unique_ptr<Command> make_resume_command(CLI::App& app) {
  return std::make_unique<PauseCommand>(app, false);
}

}  // namespace oneall::cli
