// The completion model read from a CLI11 application: commands, nested commands, which options
// take a value, and the values CLI11's IsMember allows, as the scripts need them.
#include "cli/completion_model.hpp"

#include <gtest/gtest.h>

namespace oneall::cli {
namespace {

TEST(ChoicesInTypeName, ReadsTheSetCli11Shows) {
  EXPECT_EQ(choices_in_type_name("TEXT:{csv,jsonl}=csv"),
            (std::vector<std::string>{"csv", "jsonl"}));
  EXPECT_EQ(choices_in_type_name("TEXT:{pending}"), (std::vector<std::string>{"pending"}));
  EXPECT_TRUE(choices_in_type_name("INT:INT in [1 - 1024]=16").empty());
  EXPECT_TRUE(choices_in_type_name("TEXT").empty());
}

TEST(CompletionModel, ReadsCommandsOptionsValuesAndOperands) {
  CLI::App app;
  std::string format;
  bool json = false;
  std::vector<std::string> files;
  CLI::App* report = app.add_subcommand("report", "One row per job\nmore");
  report->add_option("--format", format, "Output format")->check(CLI::IsMember({"csv", "jsonl"}));
  report->add_flag("--json", json, "JSON");
  report->add_option("files", files, "Job files");
  report->add_subcommand("verify", "Check it");

  const CompletionCommand model = completion_model(app);
  ASSERT_EQ(model.subcommands.size(), 1u);
  const CompletionCommand& sub = model.subcommands[0];
  EXPECT_EQ(sub.name, "report");
  EXPECT_EQ(sub.description, "One row per job");
  EXPECT_TRUE(sub.takes_operands);
  ASSERT_EQ(sub.subcommands.size(), 1u);
  EXPECT_EQ(sub.subcommands[0].name, "verify");

  const auto option = [&](const std::string& name) {
    for (const auto& o : sub.options) {
      for (const auto& n : o.names) {
        if (n == name) return o;
      }
    }
    ADD_FAILURE() << "no option " << name;
    return CompletionOption{};
  };
  EXPECT_TRUE(option("--format").takes_value);
  EXPECT_EQ(option("--format").choices, (std::vector<std::string>{"csv", "jsonl"}));
  EXPECT_FALSE(option("--json").takes_value);
  EXPECT_FALSE(option("--help").takes_value);
  EXPECT_EQ(option("-h").names, (std::vector<std::string>{"-h", "--help"}));
}

}  // namespace
}  // namespace oneall::cli
