// `completion bash|zsh`: prints the shell completion script, made from the command line this
// binary parses (completion_model.hpp). The build runs it to make the installed scripts.
#include <ostream>
#include <string>

#include "cli/command.hpp"
#include "cli/completion_model.hpp"
#include "cli/exit_codes.hpp"

namespace oneall::cli {
namespace {

class CompletionScriptCommand final : public Command {
 public:
  explicit CompletionScriptCommand(CLI::App& app)
      : program_(app),
        sub_(
            app.add_subcommand("completion", "Print the shell completion script for bash or zsh")) {
    sub_->footer(
        "bash: oneall-bulk completion bash > "
        "~/.local/share/bash-completion/completions/oneall-bulk\n"
        "zsh:  oneall-bulk completion zsh > DIR/_oneall-bulk, DIR being in $fpath\n"
        "(the package installs both).\n"
        "Exit status: 0 printed, 2 bad usage.");
    sub_->add_option("shell", shell_, "The shell")
        ->required()
        ->check(CLI::IsMember({"bash", "zsh"}));
  }

  CLI::App& subcommand() override { return *sub_; }
  bool uses_queue() const override { return false; }

  int run(const GlobalOptions&, Streams streams) override {
    const auto model = completion_model(program_);
    streams.out << (shell_ == "zsh" ? zsh_completion_script(model) : bash_completion_script(model));
    return kExitOk;
  }

 private:
  CLI::App& program_;
  CLI::App* sub_;
  std::string shell_;
};

}  // namespace

std::unique_ptr<Command> make_completion_command(CLI::App& app) {
  return std::make_unique<CompletionScriptCommand>(app);
}

}  // namespace oneall::cli
