// Errors that blame the right thing (issue 22, item 6), through the real binary: a bad
// --identity is a usage error about the flag, said once, before any file is read; a directory
// or a missing file is named as such, not as an "unknown job file format".
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "support/job_text.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace oneall {
namespace {

using testing::run_oneall;
using testing::TempDir;

std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

TEST(JobFileBlameE2e, ABadIdentityFlagIsAUsageErrorAboutTheFlag) {
  TempDir dir;
  // Two rows without an identity of their own: the flag would be blamed on each.
  const std::string file = dir.write(
      "noid.csv", "op,target,object_id\ndelete,twitter.tweet,1\ndelete,twitter.tweet,2\n");
  for (const std::string command : {"validate", "import", "run"}) {
    std::vector<std::string> args{command, "--identity", "bogus", file, "--db", dir.file("q.db")};
    if (command == "run") args.push_back("--sandbox");
    auto result = run_oneall(args);
    EXPECT_EQ(result.exit_code, 2) << command << ": " << result.err;
    EXPECT_NE(result.err.find("--identity"), std::string::npos) << command << ": " << result.err;
    EXPECT_NE(result.err.find("is not a UUID"), std::string::npos) << command << ": " << result.err;
    EXPECT_EQ(count_of(result.err, "is not a UUID"), 1u) << command << ": " << result.err;
    EXPECT_EQ(result.err.find("noid.csv"), std::string::npos) << command << ": " << result.err;
    EXPECT_FALSE(std::filesystem::exists(dir.file("q.db"))) << command << " queued nothing";
  }
  // Before reading files: a missing file is not mentioned either.
  auto missing = run_oneall({"validate", "--identity", "bogus", dir.file("absent.csv")});
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
  EXPECT_EQ(missing.err.find("absent.csv"), std::string::npos) << missing.err;

  auto good = run_oneall({"validate", "--identity", testing::kTestIdentity, file});
  EXPECT_EQ(good.exit_code, 0) << good.err;
  EXPECT_NE(good.out.find("valid, 2 jobs"), std::string::npos) << good.out;
}

struct NotAJobFile {
  const char* name;
  const char* says;
};

TEST(JobFileBlameE2e, ADirectoryOrAMissingFileIsNamedAsSuch) {
  TempDir dir;
  std::filesystem::create_directory(dir.file("examples"));
  std::filesystem::create_directory(dir.file("folder.yaml"));
  for (const NotAJobFile& c :
       {NotAJobFile{"examples", "is a directory"}, NotAJobFile{"folder.yaml", "is a directory"},
        NotAJobFile{"x.txt", "cannot open: No such file or directory"},
        NotAJobFile{"x.csv", "cannot open: No such file or directory"}}) {
    const std::string path = dir.file(c.name);
    auto result = run_oneall({"validate", path});
    EXPECT_EQ(result.exit_code, 2) << c.name << ": " << result.err;
    EXPECT_NE(result.err.find(path + ": " + c.says), std::string::npos) << result.err;
    EXPECT_EQ(result.err.find("unknown job file format"), std::string::npos) << result.err;
  }
  // A file that is there, with another extension, is still about the format.
  const std::string text = dir.write("jobs.txt", "hello\n");
  auto result = run_oneall({"validate", text});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find(text + ": unknown job file format"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace oneall
