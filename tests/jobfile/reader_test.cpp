#include "jobfile/reader.hpp"

#include <gtest/gtest.h>

#include "read_helpers.hpp"
#include "support/temp_dir.hpp"

namespace oneall::jobfile {
namespace {

using testing::read;

TEST(FormatForPathTest, ChoosesByExtensionIgnoringCase) {
  EXPECT_EQ(format_for_path("jobs.yaml"), Format::kYaml);
  EXPECT_EQ(format_for_path("dir/jobs.YML"), Format::kYaml);
  EXPECT_EQ(format_for_path("/a.b/jobs.Yaml"), Format::kYaml);
  EXPECT_EQ(format_for_path("jobs.csv"), Format::kCsv);
  EXPECT_EQ(format_for_path("JOBS.CSV"), Format::kCsv);
}

TEST(FormatForPathTest, RefusesOtherNames) {
  EXPECT_EQ(format_for_path("jobs.txt"), std::nullopt);
  EXPECT_EQ(format_for_path("jobs"), std::nullopt);
  EXPECT_EQ(format_for_path("yaml"), std::nullopt);
  EXPECT_EQ(format_for_path("dir.csv/jobs"), std::nullopt);
  EXPECT_EQ(format_for_path("jobs.csv.bak"), std::nullopt);
  EXPECT_EQ(format_for_path("jobs.yaml "), std::nullopt);
}

TEST(ReadJobFileTest, UnknownExtensionIsOneDiagnosticWithoutLine) {
  oneall::testing::TempDir dir;
  const std::string path = dir.write("jobs.txt", "op,target\n");
  const auto result = read(path);
  EXPECT_TRUE(result.records.empty());
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics[0].pos.file, path);
  EXPECT_EQ(result.diagnostics[0].pos.line, 0u);
  EXPECT_EQ(result.diagnostics[0].message,
            "unknown job file format: expected a .yaml, .yml or .csv file");
}

TEST(ReadJobFileTest, MissingFileSaysCannotOpenWithTheReason) {
  oneall::testing::TempDir dir;
  // Whatever the name: a mistyped path is not a question of format.
  for (const char* name : {"absent.yaml", "absent.csv", "x.txt", "noextension"}) {
    const auto result = read(dir.file(name));
    ASSERT_EQ(result.diagnostics.size(), 1u) << name;
    EXPECT_EQ(result.diagnostics[0].pos.line, 0u);
    EXPECT_EQ(result.diagnostics[0].message, "cannot open: No such file or directory");
    EXPECT_EQ(result.diagnostics[0].to_string(),
              dir.file(name) + ": cannot open: No such file or directory");
  }
}

TEST(ReadJobFileTest, DirectoryIsReportedAsOneWhateverItsName) {
  oneall::testing::TempDir dir;
  for (const char* name : {"d.csv", "d.yaml", "examples"}) {
    std::filesystem::create_directory(dir.path() / name);
    const auto result = read(dir.file(name));
    ASSERT_EQ(result.diagnostics.size(), 1u) << name;
    EXPECT_EQ(result.diagnostics[0].to_string(),
              dir.file(name) + ": is a directory (expected a .yaml, .yml or .csv job file)");
  }
}

TEST(ReadJobFileTest, DispatchesToTheReaderOfTheFormat) {
  oneall::testing::TempDir dir;
  const std::string yaml =
      dir.write("a.YML", std::string("jobs:\n  - {op: delete, target: twitter.tweet, identity: ") +
                             testing::kIdentityA + ", object_id: 1}\n");
  const std::string csv =
      dir.write("a.Csv", std::string("op,target,identity,object_id\ndelete,twitter.tweet,") +
                             testing::kIdentityA + ",1\n");
  const auto from_yaml = read(yaml);
  const auto from_csv = read(csv);
  EXPECT_TRUE(from_yaml.diagnostics.empty()) << from_yaml.all_messages();
  EXPECT_TRUE(from_csv.diagnostics.empty()) << from_csv.all_messages();
  ASSERT_EQ(from_yaml.records.size(), 1u);
  ASSERT_EQ(from_csv.records.size(), 1u);
  EXPECT_EQ(from_yaml.records[0].action, from_csv.records[0].action);
}

}  // namespace
}  // namespace oneall::jobfile
