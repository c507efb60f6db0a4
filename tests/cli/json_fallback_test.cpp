// The object --json falls back to, and the stream that records what a command printed.
#include "cli/json_fallback.hpp"

#include <gtest/gtest.h>

#include <ostream>
#include <sstream>
#include <string>

namespace oneall::cli {
namespace {

TEST(JsonErrorObject, CarriesTheExitCodeAndWhatStderrSaid) {
  EXPECT_EQ(json_error_object(3, "another run is working on q.db: pid 7.\nWait for it.\n"),
            R"({"exit_code":3,"error":"another run is working on q.db: pid 7.\nWait for it."})");
}

TEST(JsonErrorObject, DropsTheProgressLinesRedrawsAndBlankLines) {
  const std::string err =
      "run 1: 10 job(s) to send to http://x\n"
      "\r3/10 jobs (1.0 req/s)\x1b[K\r5/10 jobs (2.0 req/s)\x1b[K\r\x1b[Krun stopped: disk full\n"
      "\n";
  EXPECT_EQ(json_error_object(5, err),
            R"({"exit_code":5,"error":"run 1: 10 job(s) to send to http://x\nrun stopped: disk full"})");
}

TEST(JsonErrorObject, SaysSomethingWhenStderrWasEmpty) {
  EXPECT_EQ(json_error_object(5, ""), R"({"exit_code":5,"error":"ended with exit code 5"})");
}

TEST(JsonErrorObject, EscapesWhatJsonCannotHoldAsIs) {
  EXPECT_EQ(json_error_object(2, "bad \"x\"\ttab\\"),
            R"({"exit_code":2,"error":"bad \"x\"\ttab\\"})");
}

TEST(RecordingBuffer, PassesEverythingOnCountsItAndKeepsTheFirstBytes) {
  std::ostringstream target;
  RecordingBuffer record(target.rdbuf(), 5);
  std::ostream out(&record);
  out << "hello world" << '\n' << 42;
  out.flush();
  EXPECT_EQ(target.str(), "hello world\n42");
  EXPECT_EQ(record.bytes(), 14u);
  EXPECT_EQ(record.kept(), "hello");

  RecordingBuffer counting(target.rdbuf(), 0);
  std::ostream quiet(&counting);
  EXPECT_EQ(counting.bytes(), 0u);
  quiet << 'x';
  EXPECT_EQ(counting.bytes(), 1u);
  EXPECT_EQ(counting.kept(), "");
}

TEST(AsksForJson, OnlyAnArgumentThatIsExactlyJsonBeforeADoubleDash) {
  const char* with[] = {"oneall-bulk", "status", "--json"};
  const char* without[] = {"oneall-bulk", "status", "--jsonl"};
  const char* after_dashes[] = {"oneall-bulk", "validate", "--", "--json"};
  EXPECT_TRUE(asks_for_json(3, const_cast<char**>(with)));
  EXPECT_FALSE(asks_for_json(3, const_cast<char**>(without)));
  EXPECT_FALSE(asks_for_json(4, const_cast<char**>(after_dashes)));
}

}  // namespace
}  // namespace oneall::cli
