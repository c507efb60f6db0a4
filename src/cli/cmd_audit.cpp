// `audit`: the attempt log, one row per request sent (SPEC §6), as JSON Lines or CSV.
#include <fmt/format.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <ostream>

#include "audit/attempt_export.hpp"
#include "cli/command.hpp"
#include "cli/exit_codes.hpp"
#include "cli/open_queue.hpp"
#include "store/queue.hpp"
#include "util/clock.hpp"

namespace oneall::cli {
namespace {

class AuditCommand final : public Command {
 public:
  explicit AuditCommand(CLI::App& app)
      : sub_(app.add_subcommand("audit", "Print the attempt log: every request and its answer")) {
    sub_->add_option("--format", format_, "Output format")
        ->check(CLI::IsMember({"jsonl", "csv"}))
        ->capture_default_str();
    sub_->add_option("--job", job_, "Only the attempts of this job id");
    sub_->add_option("--run", run_, "Only the attempts of this run id");
    sub_->add_option("--out", out_path_, "Write to this file (mode 0600) instead of stdout");
  }

  CLI::App& subcommand() override { return *sub_; }

  int run(const GlobalOptions& global, Streams streams) override {
    SystemClock clock;
    auto queue = open_queue(global, clock, streams.err);
    if (!queue) return kExitStorage;
    auto rows = queue->attempts({job_, run_});
    if (!rows) {
      streams.err << rows.error().message << '\n';
      return kExitStorage;
    }
    std::ofstream file;
    std::ostream* out = &streams.out;
    if (!out_path_.empty()) {
      const mode_t old_mask = umask(077);  // the audit holds request bodies: owner only
      file.open(out_path_, std::ios::binary | std::ios::trunc);
      umask(old_mask);
      if (!file) {
        streams.err << fmt::format("cannot write {}: {}\n", out_path_, std::strerror(errno));
        return kExitStorage;
      }
      out = &file;
    }
    if (format_ == "csv") *out << audit::attempt_csv_header() << '\n';
    for (const auto& row : *rows) {
      *out << (format_ == "csv" ? audit::attempt_csv(row) : audit::attempt_jsonl(row)) << '\n';
    }
    out->flush();
    if (!*out) {
      streams.err << "writing the audit failed (disk full?)\n";
      return kExitStorage;
    }
    return kExitOk;
  }

 private:
  CLI::App* sub_;
  std::string format_ = "jsonl";
  std::optional<std::int64_t> job_;
  std::optional<std::int64_t> run_;
  std::string out_path_;
};

}  // namespace

std::unique_ptr<Command> make_audit_command(CLI::App& app) {
  return std::make_unique<AuditCommand>(app);
}

}  // namespace oneall::cli
