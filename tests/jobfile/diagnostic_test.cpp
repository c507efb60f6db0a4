#include <gtest/gtest.h>

#include "jobfile/diagnostic_list.hpp"
#include "jobfile/job_record.hpp"

namespace oneall::jobfile {
namespace {

TEST(DiagnosticTest, ToStringHasFileLineColumnFieldAndMessage) {
  const Diagnostic d{{"jobs.yaml", 12, 5}, "set.link", "must be an absolute URL"};
  EXPECT_EQ(d.to_string(), "jobs.yaml:12:5: set.link: must be an absolute URL");
}

TEST(DiagnosticTest, ToStringLeavesOutUnknownColumnAndEmptyField) {
  EXPECT_EQ((Diagnostic{{"a.csv", 3, 0}, "op", "is required"}).to_string(),
            "a.csv:3: op: is required");
  EXPECT_EQ((Diagnostic{{"a.csv", 3, 0}, "", "malformed"}).to_string(), "a.csv:3: malformed");
  EXPECT_EQ((Diagnostic{{"a.yaml", 1, 7}, "", "syntax"}).to_string(), "a.yaml:1:7: syntax");
}

TEST(DiagnosticTest, ToStringLeavesOutLineZeroForWholeFileProblems) {
  EXPECT_EQ((Diagnostic{{"x.txt", 0, 0}, "", "unknown job file format"}).to_string(),
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
