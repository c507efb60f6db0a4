// A CLI11 option whose text one of our parsers (duration_arg, rate_arg) turns into a typed value
// while the command line is parsed, so each value is parsed once: a bad one is a usage error
// (exit 2) naming the option, with the parser's message, and the command sees only the typed
// value, never the text.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <utility>

namespace oneall::cli {

// `parse` maps the text to a Result<T>; its value is stored in `target` (a T, or a
// std::optional<T> left empty when the option is not given), which must outlive the parse.
template <class Target, class Parse>
CLI::Option* add_parsed_option(CLI::App& sub, const std::string& name, Target& target,
                               Parse parse, const std::string& description) {
  return sub.add_option_function<std::string>(
      name,
      [&target, parse, name](const std::string& text) {
        auto parsed = parse(text);
        if (!parsed) throw CLI::ValidationError(name, parsed.error().message);
        target = std::move(parsed).value();
      },
      description);
}

}  // namespace oneall::cli
