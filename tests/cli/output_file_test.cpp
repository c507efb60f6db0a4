// OutputFile writes a new private file and gives it the target's name only when complete: an
// export that is not committed leaves nothing behind, and a file that appears at the name
// meanwhile is not replaced unless replacing was asked for.
#include "cli/output_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "support/temp_dir.hpp"

namespace oneall::cli {
namespace {

using testing::TempDir;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

int entries(const TempDir& dir) {
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    (void)entry;
    ++n;
  }
  return n;
}

TEST(OutputFile, ACommittedFileHasTheRowsAndModeSixHundred) {
  TempDir dir;
  std::ostringstream fallback;
  const std::string path = dir.file("out.csv");
  auto output = OutputFile::open(path, ExistingFile::kRefuse, fallback);
  ASSERT_TRUE(output.ok()) << output.error().message;
  EXPECT_FALSE(std::filesystem::exists(path)) << "the name is taken only when complete";
  (*output)->stream() << "a,b\n1,2\n";
  ASSERT_TRUE((*output)->commit().ok());
  EXPECT_EQ(read_file(path), "a,b\n1,2\n");
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  output = Error{""};  // destroyed: a committed file stays
  EXPECT_EQ(entries(dir), 1);
  EXPECT_EQ(fallback.str(), "");
}

TEST(OutputFile, AnExportNotCommittedLeavesNothing) {
  TempDir dir;
  std::ostringstream fallback;
  {
    auto output = OutputFile::open(dir.file("out.csv"), ExistingFile::kRefuse, fallback);
    ASSERT_TRUE(output.ok());
    (*output)->stream() << "half an export";
    EXPECT_EQ(entries(dir), 1) << "the new file, under another name";
  }
  EXPECT_EQ(entries(dir), 0);
}

TEST(OutputFile, AFileThatAppearedMeanwhileIsNotReplacedUnlessAsked) {
  TempDir dir;
  std::ostringstream fallback;
  const std::string path = dir.file("out.csv");
  auto output = OutputFile::open(path, ExistingFile::kRefuse, fallback);
  ASSERT_TRUE(output.ok());
  dir.write("out.csv", "someone else's\n");
  (*output)->stream() << "rows\n";
  auto committed = (*output)->commit();
  ASSERT_FALSE(committed.ok());
  EXPECT_NE(committed.error().message.find("--force"), std::string::npos);
  EXPECT_EQ(read_file(path), "someone else's\n");
  output = Error{""};
  EXPECT_EQ(entries(dir), 1) << "the new file is gone";

  auto forced = OutputFile::open(path, ExistingFile::kReplace, fallback);
  ASSERT_TRUE(forced.ok());
  (*forced)->stream() << "rows\n";
  ASSERT_TRUE((*forced)->commit().ok());
  EXPECT_EQ(read_file(path), "rows\n");
}

TEST(OutputFile, AnExistingTargetIsRefusedBeforeAnythingIsWritten) {
  TempDir dir;
  std::ostringstream fallback;
  const std::string path = dir.write("out.csv", "keep\n");
  EXPECT_FALSE(check_output_target(path, ExistingFile::kRefuse).ok());
  EXPECT_TRUE(check_output_target(path, ExistingFile::kReplace).ok());
  EXPECT_TRUE(check_output_target("", ExistingFile::kRefuse).ok()) << "stdout";
  EXPECT_FALSE(OutputFile::open(path, ExistingFile::kRefuse, fallback).ok());
  std::filesystem::create_symlink(dir.file("nowhere"), dir.file("dangling"));
  EXPECT_FALSE(check_output_target(dir.file("dangling"), ExistingFile::kRefuse).ok());
  EXPECT_EQ(read_file(path), "keep\n");
}

TEST(OutputFile, WithoutAPathItWritesToTheFallback) {
  std::ostringstream fallback;
  auto output = OutputFile::open("", ExistingFile::kRefuse, fallback);
  ASSERT_TRUE(output.ok());
  (*output)->stream() << "to stdout\n";
  ASSERT_TRUE((*output)->commit().ok());
  EXPECT_EQ(fallback.str(), "to stdout\n");
}

TEST(OutputFile, AnExportLargerThanTheBufferArrivesWhole) {
  TempDir dir;
  std::ostringstream fallback;
  const std::string path = dir.file("out.csv");
  auto output = OutputFile::open(path, ExistingFile::kRefuse, fallback);
  ASSERT_TRUE(output.ok());
  std::string rows;
  for (int i = 0; i < 20'000; ++i) rows += std::to_string(i) + ",row\n";
  (*output)->stream() << rows;
  ASSERT_TRUE((*output)->commit().ok());
  EXPECT_EQ(read_file(path), rows);
}

}  // namespace
}  // namespace oneall::cli
