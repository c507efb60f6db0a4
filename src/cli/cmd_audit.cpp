// `audit`: the attempt log, one row per request sent (docs/cli.md#audit), as JSON Lines or CSV; and
// `audit verify`, which walks its hash chain (exit 0 intact, 1 broken, 5 unreadable).
#include <fmt/format.h>

#include <ostream>

#include "audit/archive_verify.hpp"
#include "audit/attempt_export.hpp"
#include "audit/chain_verify.hpp"
#include "cli/command.hpp"
#include "cli/exit_codes.hpp"
#include "cli/open_queue.hpp"
#include "cli/output_options.hpp"
#include "store/attempt_chain.hpp"
#include "store/queue.hpp"
#include "util/clock.hpp"
#include "util/text.hpp"

namespace oneall::cli {
namespace {

std::string verify_json(const audit::ChainReport& report) {
  std::string broken = "null";
  if (const auto& b = report.broken) {
    broken = fmt::format(R"({{"row_id":{},"job_id":{},"problem":"{}","detail":{}}})", b->row_id,
                         b->job_id, audit::problem_name(b->problem), json_string(b->detail));
  }
  return fmt::format(
      R"({{"intact":{},"rows_checked":{},"rows_pruned":{},"checkpoints":{},"head":"{}",)"
      R"("broken":{},"exit_code":{}}})",
      report.broken ? "false" : "true", report.rows_checked, report.rows_pruned, report.checkpoints,
      report.head, broken, report.broken ? kExitJobsFailed : kExitOk);
}

std::string verify_text(const audit::ChainReport& report) {
  if (const auto& b = report.broken) {
    return fmt::format(
        "audit log BROKEN at attempt row {} (job {}): {}: {}.\n{} row(s) before it check out; "
        "nothing after it can be trusted.\n",
        b->row_id, b->job_id, audit::problem_name(b->problem), b->detail, report.rows_checked);
  }
  const std::string pruned =
      report.checkpoints == 0
          ? ""
          : fmt::format(
                "after {} row(s) pruned into {} archive(s) (check each with `audit verify "
                "--archive FILE`), ",
                report.rows_pruned, report.checkpoints);
  return fmt::format(
      "audit log intact: {} attempt row(s) chained, {}none edited, deleted or reordered.\n"
      "head {}\n(keep the head elsewhere: a later verify must show the same rows before it; the "
      "chain alone cannot see rows cut from its end)\n",
      report.rows_checked, pruned, report.head);
}

class AuditCommand final : public Command {
 public:
  explicit AuditCommand(CLI::App& app)
      : sub_(app.add_subcommand("audit", "Print the attempt log: every request and its answer")) {
    sub_->footer(
        "`audit verify --help` for the hash chain's check.\n"
        "Exit status: 0 written, 2 bad usage, no queue at the path or an --out file that\n"
        "exists, 5 storage or system error.");
    sub_->add_option("--format", format_, "Output format")
        ->check(CLI::IsMember({"jsonl", "csv"}))
        ->capture_default_str();
    sub_->add_option("--job", job_, "Only the attempts of this job id");
    sub_->add_option("--run", run_, "Only the attempts of this run id");
    output_.add_to(*sub_);
    verify_ = sub_->add_subcommand(
        "verify",
        "Check the attempt log's hash chain: exit 0 when intact, 1 naming the first row edited, "
        "deleted or reordered, 5 when the database cannot be read");
    verify_->footer(
        "Exit status: 0 intact, 1 broken (the first row edited, deleted or reordered is named),\n"
        "2 bad usage or no queue at the path, 5 storage or system error (the database cannot be\n"
        "read).");
    verify_->add_flag("--json", json_, "Print one JSON object");
    verify_->add_option("--archive", archive_,
                        "Check this prune archive instead, and that the queue records it");
    verify_->fallthrough();  // --db after `verify`
  }

  CLI::App& subcommand() override { return *sub_; }

  int run(const GlobalOptions& global, Streams streams) override {
    if (!verify_->parsed()) {
      if (auto allowed = check_output_target(output_.path, output_.existing()); !allowed) {
        streams.err << allowed.error().message << '\n';
        return kExitUsage;
      }
    }
    SystemClock clock;
    auto opened = open_queue(global, clock, streams.err, store::QueueOpen::kExistingOnly);
    if (!opened.queue) return opened.exit_code;
    if (verify_->parsed() && !archive_.empty()) {
      return verify_archive(global, *opened.queue, streams);
    }
    return verify_->parsed() ? verify(global, *opened.queue, streams)
                             : print(global, *opened.queue, streams);
  }

 private:
  int verify(const GlobalOptions& global, store::Queue& queue, Streams streams) {
    auto report = audit::verify_chain(queue);
    if (!report) {
      streams.err << queue.path() << ": " << report.error().message << '\n';
      return kExitStorage;
    }
    if (json_) {
      streams.out << with_queue_field(global, verify_json(*report)) << '\n';
    } else {
      std::ostream& out = report->broken ? streams.err : streams.out;
      out << queue_line(global, queue) << '\n' << verify_text(*report);
    }
    return report->broken ? kExitJobsFailed : kExitOk;
  }

  int verify_archive(const GlobalOptions& global, store::Queue& queue, Streams streams) {
    auto report = audit::read_archive(archive_);
    if (!report) {
      streams.err << report.error().message << '\n';
      return kExitStorage;
    }
    auto checkpoints = queue.chain_checkpoints();
    if (!checkpoints) {
      streams.err << checkpoints.error().message << '\n';
      return kExitStorage;
    }
    audit::match_checkpoint(*report, *checkpoints);
    if (json_) {
      streams.out << with_queue_field(global, archive_json(*report)) << '\n';
    } else {
      std::ostream& out = report->intact() ? streams.out : streams.err;
      out << queue_line(global, queue) << '\n' << archive_text(*report);
    }
    return report->intact() ? kExitOk : kExitJobsFailed;
  }

  std::string archive_json(const audit::ArchiveReport& report) const {
    const auto& end = report.end;
    return fmt::format(
        R"({{"archive":{},"intact":{},"rows_checked":{},"jobs":{},"batches":{},)"
        R"("start_hash":{},"end_hash":{},"checkpoint":{},"problem":{},"exit_code":{}}})",
        json_string(archive_), report.intact() ? "true" : "false", report.rows_checked, report.jobs,
        report.batches, end ? json_string(end->start_hash) : "null",
        end ? json_string(end->end_hash) : "null",
        report.checkpoint ? std::to_string(report.checkpoint->id) : "null",
        report.problem ? json_string(*report.problem) : "null",
        report.intact() ? kExitOk : kExitJobsFailed);
  }

  std::string archive_text(const audit::ArchiveReport& report) const {
    if (report.problem) {
      return fmt::format("archive {} BROKEN: {}.\n", archive_, *report.problem);
    }
    const audit::ArchiveEnd& end = *report.end;
    return fmt::format(
        "archive {} intact: {} attempt row(s) chained (rows {}..{}), {} job(s), {} batch(es).\n"
        "it chains from {} to {},\nwhere the queue's chain checkpoint {} goes on "
        "(pruned {}).\n",
        archive_, report.rows_checked, end.after_attempt_id + 1, end.last_attempt_id, report.jobs,
        report.batches, end.start_hash == store::kChainGenesis ? "the genesis" : end.start_hash,
        end.end_hash, report.checkpoint->id, format_utc_ms(report.checkpoint->created_at));
  }

  int print(const GlobalOptions& global, store::Queue& queue, Streams streams) {
    streams.err << queue_line(global, queue) << '\n';  // stdout carries the rows
    auto rows = queue.attempts({job_, run_});
    if (!rows) {
      streams.err << rows.error().message << '\n';
      return kExitStorage;
    }
    auto output = OutputFile::open(output_.path, output_.existing(), streams.out);
    if (!output) {
      streams.err << output.error().message << '\n';
      return kExitStorage;
    }
    std::ostream& out = (*output)->stream();
    if (format_ == "csv") out << audit::attempt_csv_header() << '\n';
    for (const auto& row : *rows) {
      out << (format_ == "csv" ? audit::attempt_csv(row) : audit::attempt_jsonl(row)) << '\n';
    }
    if (Status closed = (*output)->commit(); !closed) {
      streams.err << closed.error().message << '\n';
      return kExitStorage;
    }
    return kExitOk;
  }

  CLI::App* sub_;
  CLI::App* verify_;
  std::string format_ = "jsonl";
  std::optional<std::int64_t> job_;
  std::optional<std::int64_t> run_;
  OutputOptions output_;
  bool json_ = false;
  std::string archive_;
};

}  // namespace

std::unique_ptr<Command> make_audit_command(CLI::App& app) {
  return std::make_unique<AuditCommand>(app);
}

}  // namespace oneall::cli
