// What a shell completion needs to know of the command line, read from the CLI11 application
// itself (commands, their options, which options take a value and the values they allow), so
// the scripts `oneall-bulk completion` prints cannot drift from the options the binary takes.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace oneall::cli {

struct CompletionOption {
  std::vector<std::string> names;  // "--db", "-h"
  std::string description;
  bool takes_value = false;
  std::vector<std::string> choices;  // the only values allowed (CLI::IsMember), if any
};

struct CompletionCommand {
  std::string name;  // empty for the program itself
  std::string description;
  std::vector<CompletionOption> options;
  bool takes_operands = false;               // FILE... and the like
  std::vector<std::string> operand_choices;  // the only operands allowed, if any
  std::vector<CompletionCommand> subcommands;
};

CompletionCommand completion_model(const CLI::App& app);

// The allowed values CLI11 shows in an option's type name, as in "TEXT:{csv,jsonl}=csv".
std::vector<std::string> choices_in_type_name(const std::string& type_name);

// The scripts for bash (`complete -F`) and zsh (`#compdef`), printed by `completion SHELL`.
std::string bash_completion_script(const CompletionCommand& program);
std::string zsh_completion_script(const CompletionCommand& program);

}  // namespace oneall::cli
