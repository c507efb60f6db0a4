#include "cli/completion_model.hpp"

namespace oneall::cli {
namespace {

// The first line of a description: completion menus have one line per item.
std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

CompletionOption option_model(const CLI::Option& option) {
  CompletionOption model;
  for (const auto& name : option.get_snames()) model.names.push_back("-" + name);
  for (const auto& name : option.get_lnames()) model.names.push_back("--" + name);
  model.description = first_line(option.get_description());
  model.takes_value = option.get_expected_max() > 0 && option.get_type_size_max() > 0;
  if (model.takes_value) model.choices = choices_in_type_name(option.get_type_name());
  return model;
}

}  // namespace

std::vector<std::string> choices_in_type_name(const std::string& type_name) {
  std::vector<std::string> choices;
  const auto open = type_name.find('{');
  const auto close = type_name.find('}', open);
  if (open == std::string::npos || close == std::string::npos) return choices;
  const std::string list = type_name.substr(open + 1, close - open - 1);
  std::size_t start = 0;
  while (start <= list.size()) {
    const auto comma = std::min(list.find(',', start), list.size());
    if (comma > start) choices.push_back(list.substr(start, comma - start));
    start = comma + 1;
  }
  return choices;
}

CompletionCommand completion_model(const CLI::App& app) {
  CompletionCommand model;
  model.name = app.get_name();
  model.description = first_line(app.get_description());
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_positional()) {
      model.takes_operands = true;
      model.operand_choices = choices_in_type_name(option->get_type_name());
    } else {
      model.options.push_back(option_model(*option));
    }
  }
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    model.subcommands.push_back(completion_model(*sub));
  }
  return model;
}

}  // namespace oneall::cli
