// The man page (docs/oneall-bulk.1) against the binary's own --help: every command has a
// section of its own, every long option a command's --help lists is mentioned in that section
// (or, for options every command takes, under OPTIONS), and the page's version is the
// binary's. So a new command or option cannot reach a release undocumented.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "support/help_options.hpp"
#include "support/process.hpp"

namespace oneall {
namespace {

using testing::listed_options;
using testing::run_oneall;

std::string read_man_page() {
  std::ifstream in(std::string(ONEALL_SOURCE_DIR) + "/docs/oneall-bulk.1");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The text as a reader sees it, near enough: roff's \- is -, font changes are dropped.
std::string plain(const std::string& roff) {
  std::string text = std::regex_replace(roff, std::regex(R"(\\f[BIRP])"), "");
  return std::regex_replace(text, std::regex(R"(\\-)"), "-");
}

// Sections by heading: ".SH OPTIONS" is "OPTIONS", ".SS audit verify" is "audit verify".
std::map<std::string, std::string> sections(const std::string& page) {
  std::map<std::string, std::string> out;
  std::istringstream lines(plain(page));
  std::string line;
  std::string heading;
  while (std::getline(lines, line)) {
    if (line.rfind(".SH ", 0) == 0 || line.rfind(".SS ", 0) == 0) {
      heading = line.substr(4);
      out[heading];  // a heading with sections of its own only, as COMMANDS
      continue;
    }
    out[heading] += line + '\n';
  }
  return out;
}

// The section of a command: the heading that starts with its name, the longest such.
const std::string* command_section(const std::map<std::string, std::string>& by_heading,
                                   const std::string& command) {
  const std::string* found = nullptr;
  std::size_t found_length = 0;
  for (const auto& [heading, body] : by_heading) {
    const bool names_it = heading == command || heading.rfind(command + " ", 0) == 0;
    if (names_it && command.size() > found_length) {
      found = &body;
      found_length = command.size();
    }
  }
  return found;
}

bool mentions(const std::string& text, const std::string& option) {
  return std::regex_search(text, std::regex(option + "([^-a-z]|$)"));
}

TEST(ManPageE2e, EveryCommandAndOptionTheHelpShowsIsInTheManPage) {
  const auto by_heading = sections(read_man_page());
  ASSERT_TRUE(by_heading.count("OPTIONS")) << "no OPTIONS section";
  const std::string& global = by_heading.at("OPTIONS");
  for (const char* required :
       {"SYNOPSIS", "COMMANDS", "ENVIRONMENT", "FILES", "EXIT STATUS", "EXAMPLES"}) {
    EXPECT_TRUE(by_heading.count(required)) << "no " << required << " section";
  }

  const auto top = run_oneall({"--help"});
  ASSERT_EQ(top.exit_code, 0) << top.err;
  for (const auto& option : listed_options(top.out)) {
    EXPECT_TRUE(mentions(global, option)) << option << " is not under OPTIONS";
  }

  std::vector<std::string> commands;
  CLI::App app;
  for (const auto& command : cli::make_commands(app)) {
    CLI::App& sub = command->subcommand();
    commands.push_back(sub.get_name());
    for (const CLI::App* nested : sub.get_subcommands({})) {
      commands.push_back(sub.get_name() + " " + nested->get_name());
    }
  }
  for (const auto& command : commands) {
    SCOPED_TRACE(command);
    const std::string* section = command_section(by_heading, command);
    ASSERT_NE(section, nullptr) << "no .SS section for " << command;
    std::vector<std::string> args;
    std::istringstream words(command);
    for (std::string word; words >> word;) args.push_back(word);
    args.push_back("--help");
    const auto help = run_oneall(args);
    ASSERT_EQ(help.exit_code, 0) << help.err;
    for (const auto& option : listed_options(help.out)) {
      EXPECT_TRUE(mentions(*section, option) || mentions(global, option))
          << option << " of " << command << " is not in its man page section";
    }
  }
}

TEST(ManPageE2e, TheManPageIsOfTheBinarysVersion) {
  const auto version = run_oneall({"--version"});
  ASSERT_EQ(version.exit_code, 0) << version.err;
  std::smatch program;
  ASSERT_TRUE(std::regex_search(version.out, program, std::regex(R"(^oneall-bulk (\S+) )")))
      << version.out;
  const std::string page = read_man_page();
  std::smatch th;
  ASSERT_TRUE(std::regex_search(page, th, std::regex(R"re(\n\.TH [^\n]*"oneall-bulk (\S+)")re")));
  EXPECT_EQ(th[1], program[1]) << "update the .TH line of docs/oneall-bulk.1";
}

}  // namespace
}  // namespace oneall
