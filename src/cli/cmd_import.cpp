// `import FILE...`: reads every file once, checking and queuing its jobs in one transaction that
// any problem rolls back (cli/job_file_import.hpp).
#include <fmt/format.h>

#include <ostream>
#include <string>

#include "cli/command.hpp"
#include "cli/exit_codes.hpp"
#include "cli/identity_option.hpp"
#include "cli/job_file_import.hpp"
#include "cli/job_files.hpp"
#include "cli/open_queue.hpp"
#include "cli/state_counts_json.hpp"
#include "util/clock.hpp"

namespace oneall::cli {
namespace {

class ImportCommand final : public Command {
 public:
  explicit ImportCommand(CLI::App& app)
      : sub_(app.add_subcommand("import", "Validate job files and queue their jobs")) {
    sub_->footer(
        "If any file has a problem, nothing is queued (exit 2) and every problem is listed.\n"
        "Importing the same jobs again queues nothing new: a job's key is a hash of what it does.\n"
        "Exit status: 0 queued, 2 bad usage or invalid job file, 5 storage or system error.");
    sub_->add_option("files", files_, "YAML (.yaml, .yml) or CSV (.csv) job files")->required();
    add_identity_option(*sub_, identity_);
    sub_->add_flag("--json", json_, "Print the result as one JSON object");
  }

  CLI::App& subcommand() override { return *sub_; }

  int run(const GlobalOptions& global, Streams streams) override {
    jobfile::ReadOptions options;
    if (!identity_.empty()) options.identity = identity_;
    SystemClock clock;
    auto opened = open_queue(global, clock, streams.err, store::QueueOpen::kCreateIfMissing);
    if (!opened.queue) return opened.exit_code;
    auto imported = import_job_files(*opened.queue, files_, options, streams.err);
    if (imported.problems > 0) {
      streams.err << "nothing was queued: fix the problems above and import again\n";
      return kExitUsage;
    }
    if (!imported.queued) {
      streams.err << imported.queued.error().message << '\n';
      return kExitStorage;
    }
    const store::ImportSummary& summary = *imported.queued;
    if (json_) {
      // An import that added nothing made no batch: null, not a made-up id.
      streams.out << with_queue_field(
                         global, fmt::format(R"({{"batch_id":{},"new":{},"already_queued":{},)"
                                             R"("already_queued_states":{},"exit_code":0}})",
                                             summary.new_jobs > 0 ? std::to_string(summary.batch_id)
                                                                  : "null",
                                             summary.new_jobs, summary.duplicates,
                                             state_counts_json(summary.duplicates_by_state)))
                  << '\n';
    } else {
      streams.out << queue_line(global, *opened.queue) << '\n' << describe_import(summary) << '\n';
    }
    return kExitOk;
  }

 private:
  CLI::App* sub_;
  std::vector<std::string> files_;
  std::string identity_;
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> make_import_command(CLI::App& app) {
  return std::make_unique<ImportCommand>(app);
}

}  // namespace oneall::cli
