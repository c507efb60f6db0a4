// `validate FILE...`: checks job files and queues nothing (exit 0, or 2 with every problem).
#include <fmt/format.h>

#include <ostream>

#include "cli/command.hpp"
#include "cli/exit_codes.hpp"
#include "cli/identity_option.hpp"
#include "cli/job_files.hpp"

namespace oneall::cli {
namespace {

class ValidateCommand final : public Command {
 public:
  explicit ValidateCommand(CLI::App& app)
      : sub_(app.add_subcommand("validate", "Check job files; queue nothing")) {
    sub_->footer(
        "Every problem of every file is printed as file:line:column: field: what is wrong.\n"
        "Exit status: 0 when all files are valid, 2 otherwise.");
    sub_->add_option("files", files_, "YAML (.yaml, .yml) or CSV (.csv) job files")->required();
    add_identity_option(*sub_, identity_);
  }

  CLI::App& subcommand() override { return *sub_; }
  bool uses_queue() const override { return false; }

  int run(const GlobalOptions&, Streams streams) override {
    jobfile::ReadOptions options;
    if (!identity_.empty()) options.identity = identity_;
    const auto checks = check_job_files(files_, options, streams.err);
    for (const auto& check : checks) {
      if (check.problems == 0) {
        streams.out << fmt::format("{}: valid, {} jobs\n", check.path, check.jobs);
      } else {
        streams.err << fmt::format("{}: {} problem(s); fix them and validate again\n", check.path,
                                   check.problems);
      }
    }
    return all_valid(checks) ? kExitOk : kExitUsage;
  }

 private:
  CLI::App* sub_;
  std::vector<std::string> files_;
  std::string identity_;
};

}  // namespace

std::unique_ptr<Command> make_validate_command(CLI::App& app) {
  return std::make_unique<ValidateCommand>(app);
}

}  // namespace oneall::cli
