#include <gtest/gtest.h>

#include "jobfile/diagnostic_list.hpp"
#include "jobfile/job_record.hpp"

namespace oneall::jobfile {
namespace {

// The diagnostic's text, built outside the assertion macros: GCC 12 at -O3 (a Release build)
// takes the strings of a Diagnostic aggregate-initialised inside EXPECT_EQ for "maybe
// uninitialized", a false positive that -Werror turned into a failed build.
std::string text_of(std::string file, std::size_t line, std::size_t column, std::string field,
                    std::string message) {
  Diagnostic diagnostic;
  diagnostic.pos.file = std::move(file);
  diagnostic.pos.line = line;
  diagnostic.pos.column = column;
  diagnostic.field = std::move(field);
  diagnostic.message = std::move(message);
  return diagnostic.to_string();
}

TEST(DiagnosticTest, ToStringHasFileLineColumnFieldAndMessage) {
  EXPECT_EQ(text_of("jobs.yaml", 12, 5, "set.link", "must be an absolute URL"),
            "jobs.yaml:12:5: set.link: must be an absolute URL");
}

TEST(DiagnosticTest, ToStringLeavesOutUnknownColumnAndEmptyField) {
  EXPECT_EQ(text_of("a.csv", 3, 0, "op", "is required"), "a.csv:3: op: is required");
  EXPECT_EQ(text_of("a.csv", 3, 0, "", "malformed"), "a.csv:3: malformed");
  EXPECT_EQ(text_of("a.yaml", 1, 7, "", "syntax"), "a.yaml:1:7: syntax");
}

TEST(DiagnosticTest, ToStringLeavesOutLineZeroForWholeFileProblems) {
  EXPECT_EQ(text_of("x.txt", 0, 0, "", "unknown job file format"),
            "x.txt: unknown job file format");
}

TEST(DiagnosticListTest, KeepsEverythingUnderTheCap) {
  DiagnosticList list("f.csv", 3);
  list.add(list.at(1), "a", "one");
  list.add(list.at(2), "b", "two");
  EXPECT_EQ(list.count(), 2u);
  const auto taken = std::move(list).take();
  ASSERT_EQ(taken.size(), 2u);
  EXPECT_EQ(taken[1].to_string(), "f.csv:2: b: two");
}

TEST(DiagnosticListTest, CapsAndSummarisesTheRest) {
  DiagnosticList list("f.csv", 3);
  for (std::size_t line = 1; line <= 10; ++line) list.add(list.at(line), "op", "bad");
  EXPECT_EQ(list.count(), 10u);
  const auto taken = std::move(list).take();
  ASSERT_EQ(taken.size(), 4u);
  EXPECT_EQ(taken[2].pos.line, 3u);
  EXPECT_EQ(taken[3].to_string(), "f.csv: ... and 7 more problems");
}

TEST(DiagnosticListTest, SummarySaysProblemForOne) {
  DiagnosticList list("f.csv", 1);
  list.add(list.at(1), "", "x");
  list.add(list.at(2), "", "y");
  EXPECT_EQ(std::move(list).take().back().message, "... and 1 more problem");
}

}  // namespace
}  // namespace oneall::jobfile
