// What reading a YAML job file one job at a time must keep from the whole-document reader it
// replaced (anchors, the order of problems, the problem cap, markers past the first chunk), and
// the one layout it cannot read as it comes: defaults written after jobs that need them.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "jobfile/diagnostic_list.hpp"
#include "read_helpers.hpp"
#include "support/temp_dir.hpp"

namespace oneall::jobfile {
namespace {

using testing::kIdentityA;
using testing::read;

std::string tweet_delete(int object_id) {
  return std::string("  - {op: delete, target: twitter.tweet, identity: ") + kIdentityA +
         ", object_id: \"" + std::to_string(object_id) + "\"}\n";
}

TEST(YamlStreamTest, DefaultsAfterTheJobsAreRefusedWhenAJobWouldTakeFromThem) {
  oneall::testing::TempDir dir;
  const auto result = read(dir.write("jobs.yaml", std::string("jobs:\n") + tweet_delete(1) +
                                                      "  - {op: delete, object_id: \"2\"}\n" +
                                                      "defaults:\n  target: twitter.tweet\n"));
  ASSERT_FALSE(result.diagnostics.empty());
  const Diagnostic& d = result.diagnostics.front();
  EXPECT_EQ(d.pos.line, 5u) << result.all_messages();
  EXPECT_EQ(d.pos.column, 3u);
  EXPECT_EQ(d.field, "defaults");
  EXPECT_EQ(d.message,
            "must come before `jobs` (the jobs are read one at a time, so defaults written after "
            "them cannot reach them): move `defaults:` above `jobs:`");
}

TEST(YamlStreamTest, DefaultsAfterTheJobsAreFineWhenNoJobNeedsThem) {
  // Every job sets the one field the defaults set, so the defaults change nothing: as before.
  oneall::testing::TempDir dir;
  const auto result =
      read(dir.write("jobs.yaml", std::string("jobs:\n") + tweet_delete(1) + tweet_delete(2) +
                                      "defaults: {target: pinterest.pin, set: {board: b}}\n"));
  EXPECT_TRUE(result.diagnostics.empty()) << result.all_messages();
  EXPECT_EQ(result.records.size(), 2u);
}

TEST(YamlStreamTest, AnAliasStandsForTheWholeAnchoredNode) {
  oneall::testing::TempDir dir;
  const auto result = read(dir.write("jobs.yaml", std::string(R"(templates:
  who: &who {identity: )") + kIdentityA + R"(, op: delete}
  first: &first {op: delete, target: twitter.tweet, identity: 7c9e6679-7425-40de-944b-e07fc1f90ae7, object_id: "1"}
defaults: *who
jobs:
  - *first
  - {target: twitter.tweet, object_id: "2"}
)"));
  // The unknown key is reported, and what it anchors is still there for the aliases.
  ASSERT_EQ(result.diagnostics.size(), 1u) << result.all_messages();
  EXPECT_EQ(result.diagnostics[0].field, "templates");
  ASSERT_EQ(result.records.size(), 2u);
  EXPECT_EQ(result.records[0].action.object_id, "1");
  EXPECT_EQ(result.records[0].pos.line, 3u);  // where the anchored map is written
  EXPECT_EQ(result.records[1].action.identity, kIdentityA);
}

TEST(YamlStreamTest, AJobsListMayBeAnAliasOfAListWrittenBefore) {
  oneall::testing::TempDir dir;
  const auto result = read(dir.write(
      "jobs.yaml", std::string("x: &all\n") + tweet_delete(1) + tweet_delete(2) + "jobs: *all\n"));
  ASSERT_EQ(result.diagnostics.size(), 1u) << result.all_messages();
  EXPECT_EQ(result.diagnostics[0].field, "x");
  EXPECT_EQ(result.records.size(), 2u);
}

TEST(YamlStreamTest, AnAliasInsideTheMapItNamesSeesTheWholeMap) {
  // yaml-cpp's nodes made this a loop: `set` is the job map itself, so its keys are set's.
  oneall::testing::TempDir dir;
  const auto result = read(dir.write("jobs.yaml", "jobs:\n  - &job {op: update, set: *job}\n"));
  ASSERT_FALSE(result.diagnostics.empty());
  EXPECT_EQ(result.diagnostics[0].field, "set.op") << result.all_messages();
  EXPECT_EQ(result.diagnostics[0].pos.line, 2u);
  EXPECT_EQ(result.diagnostics[0].pos.column, 11u);
}

TEST(YamlStreamTest, ProblemsComeInTheOrderOfTheWholeDocumentReader) {
  // The top map's keys first, then the defaults, then the jobs, wherever each is written.
  oneall::testing::TempDir dir;
  const auto result = read(dir.write("jobs.yaml", R"(jobs:
  - {op: remove, target: twitter.tweet}
extra: 1
defaults: {identity: [x]}
jobs: []
)"));
  std::vector<std::pair<std::size_t, std::string>> where;
  for (const auto& d : result.diagnostics) where.emplace_back(d.pos.line, d.field);
  EXPECT_EQ(where, (std::vector<std::pair<std::size_t, std::string>>{
                       {3, "extra"}, {5, "jobs"}, {4, "defaults.identity"}, {2, "op"}}))
      << result.all_messages();
}

TEST(YamlStreamTest, TheProblemCapCountsEveryPart) {
  oneall::testing::TempDir dir;
  std::string text = "jobs:\n";
  for (int i = 0; i < 1200; ++i) text += "  - {op: remove}\n";  // two problems each
  text += "extra: 1\n";
  const auto result = read(dir.write("jobs.yaml", text));
  ASSERT_EQ(result.diagnostics.size(), kMaxStoredDiagnostics + 1) << result.all_messages();
  EXPECT_EQ(result.diagnostics.front().field, "extra");
  EXPECT_EQ(result.diagnostics.back().message, "... and 1401 more problems");
}

TEST(YamlStreamTest, ASecondDocumentFarIntoTheFileIsFound) {
  // Past the first 64 KiB chunk, and with its marker split across two chunks.
  oneall::testing::TempDir dir;
  std::string text = "jobs: []\n";
  while (text.size() < 65536 - 2) text += "  # padding to the chunk's end\n";
  text.resize(65536 - 2);
  text += "\n---\njobs: []\n";
  const auto result = read(dir.write("jobs.yaml", text));
  ASSERT_EQ(result.diagnostics.size(), 1u) << result.all_messages();
  EXPECT_EQ(result.diagnostics[0].pos.line,
            static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) - 1);
  EXPECT_EQ(result.diagnostics[0].message,
            "a job file holds one YAML document; this is a second one (remove the `---`)");
}

TEST(YamlStreamTest, JobsAcrossManyChunksKeepTheirLines) {
  oneall::testing::TempDir dir;
  std::string text = "# a byte-order mark first, which yaml-cpp reads and puts back\njobs:\n";
  text.insert(0, "\xEF\xBB\xBF");
  for (int i = 0; i < 3000; ++i) text += tweet_delete(i + 1);
  const auto result = read(dir.write("jobs.yaml", text));
  ASSERT_TRUE(result.diagnostics.empty()) << result.all_messages();
  ASSERT_EQ(result.records.size(), 3000u);
  EXPECT_EQ(result.records[2999].pos.line, 3002u);
  EXPECT_EQ(result.records[2999].action.object_id, "3000");
}

TEST(YamlStreamTest, AFileOfOneByteIsReadWhole) {
  // yaml-cpp reads up to four bytes for a byte-order mark and puts back what is not one, after
  // the input has already reported its end.
  oneall::testing::TempDir dir;
  const auto dash = read(dir.write("dash.yaml", "-"));
  ASSERT_EQ(dash.diagnostics.size(), 1u) << dash.all_messages();
  EXPECT_EQ(dash.diagnostics[0].message,
            "a job file must be a map with a `jobs` list (and optional `defaults`), not a list");
  const auto bracket = read(dir.write("bracket.yaml", "["));
  ASSERT_EQ(bracket.diagnostics.size(), 1u) << bracket.all_messages();
  EXPECT_EQ(bracket.diagnostics[0].message, "YAML syntax error: end of sequence flow not found");
}

}  // namespace
}  // namespace oneall::jobfile
