// `report`: one row per job with where it came from, its state and its last API answer, as
// CSV or JSON Lines, or the jobs as a job file to fix and import again (job_file_report.hpp), or
// one HTML page of the queue's figures (audit/html_report.hpp), to stdout or --out (a new 0600
// file; see output_file.hpp).
#include <ostream>

#include "audit/html_report.hpp"
#include "audit/job_report.hpp"
#include "cli/command.hpp"
#include "cli/exit_codes.hpp"
#include "cli/job_file_report.hpp"
#include "cli/job_filter_options.hpp"
#include "cli/known_ids.hpp"
#include "cli/open_queue.hpp"
#include "cli/output_options.hpp"
#include "store/queue.hpp"
#include "util/clock.hpp"

namespace oneall::cli {
namespace {

// The HTML report's figures cover a whole batch or the queue, not a selection of jobs.
bool narrows_beyond_batch(store::JobFilter filter) {
  filter.batch_id.reset();
  return filter.narrows();
}

int commit_output(OutputFile& output, Streams streams) {
  if (Status closed = output.commit(); !closed) {
    streams.err << closed.error().message << '\n';
    return kExitStorage;
  }
  return kExitOk;
}

class ReportCommand final : public Command {
 public:
  explicit ReportCommand(CLI::App& app)
      : sub_(app.add_subcommand("report", "One row per job: its state and last API answer")),
        filter_(*sub_, {store::kAllJobStates.begin(), store::kAllJobStates.end()}) {
    sub_->footer(
        "Exit status: 0 written, 2 bad usage, no queue at the path, a --batch or --job that is "
        "not\n"
        "in the queue, or an --out file that exists, 5 storage or system error (or, for\n"
        "--format jobfile, a job whose stored request no job file row gives).");
    sub_->add_option("--format", format_,
                     "Output format; jobfile: a CSV job file of the jobs, for `import`; html: one "
                     "page of charts and tables for the queue or --batch")
        ->check(CLI::IsMember({"csv", "jsonl", "jobfile", "html"}))
        ->capture_default_str();
    output_.add_to(*sub_);
  }

  CLI::App& subcommand() override { return *sub_; }

  int run(const GlobalOptions& global, Streams streams) override {
    if (auto allowed = check_output_target(output_.path, output_.existing()); !allowed) {
      streams.err << allowed.error().message << '\n';
      return kExitUsage;
    }
    if (format_ == "html" && narrows_beyond_batch(filter_.filter())) {
      streams.err << "report --format html shows the whole queue or one --batch; --state, --job, "
                     "--http-status, --target and --identity do not apply to it\n";
      return kExitUsage;
    }
    SystemClock clock;
    auto opened = open_queue(global, clock, streams.err, store::QueueOpen::kExistingOnly);
    if (!opened.queue) return opened.exit_code;
    store::Queue& queue = *opened.queue;
    streams.err << queue_line(global, queue) << '\n';  // stdout (or --out) carries the rows
    if (auto refused = refuse_unknown_ids(queue, filter_.filter(), "report", streams.err)) {
      return *refused;
    }
    auto output = OutputFile::open(output_.path, output_.existing(), streams.out);
    if (!output) {
      streams.err << output.error().message << '\n';
      return kExitStorage;
    }
    std::ostream& out = (*output)->stream();
    if (format_ == "html") {
      auto figures = queue.report_aggregates(filter_.filter().batch_id);
      if (!figures) {
        streams.err << figures.error().message << '\n';
        return kExitStorage;
      }
      out << audit::html_report(*figures, queue.path());
      return commit_output(**output, streams);
    }
    const bool csv = format_ == "csv";
    if (csv) out << audit::job_report_csv_header() << '\n';
    Status read = format_ == "jobfile"
                      ? write_job_file_report(queue, filter_.filter(), out)
                      : queue.for_each_job(filter_.filter(), [&](const store::JobReportRow& row) {
                          out << (csv ? audit::job_report_csv(row) : audit::job_report_jsonl(row))
                              << '\n';
                        });
    if (!read) {
      streams.err << read.error().message << '\n';
      return kExitStorage;
    }
    return commit_output(**output, streams);
  }

 private:
  CLI::App* sub_;
  JobFilterOptions filter_;
  std::string format_ = "csv";
  OutputOptions output_;
};

}  // namespace

std::unique_ptr<Command> make_report_command(CLI::App& app) {
  return std::make_unique<ReportCommand>(app);
}

}  // namespace oneall::cli
