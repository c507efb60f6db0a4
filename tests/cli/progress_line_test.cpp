#include "cli/progress_line.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace oneall::cli {
namespace {

engine::RunSummary so_far(std::int64_t succeeded, std::int64_t failed, std::int64_t dead,
                          std::int64_t retries, std::int64_t requests, std::int64_t ms) {
  engine::RunSummary s;
  s.succeeded = succeeded;
  s.failed = failed;
  s.dead = dead;
  s.retries = retries;
  s.requests = requests;
  s.duration_ms = ms;
  return s;
}

TEST(RenderProgress, ShowsDoneTotalRateRetriesErrorsAndEta) {
  // 400 done of 2000 in 10 s: 1600 left at 40 jobs/s is 40 s.
  EXPECT_EQ(render_progress(so_far(390, 6, 4, 7, 407, 10'000), 2000),
            "400/2000 jobs (20%)  40.7 req/s  7 retryable errors  10 failed or dead  ETA 40s");
}

TEST(RenderProgress, EtaIsUnknownBeforeTheFirstJobAndZeroAtTheEnd) {
  EXPECT_EQ(render_progress(so_far(0, 0, 0, 0, 0, 0), 50),
            "0/50 jobs (0%)  0.0 req/s  0 retryable errors  0 failed or dead  ETA --");
  EXPECT_EQ(render_progress(so_far(0, 0, 0, 3, 3, 1'000), 50),
            "0/50 jobs (0%)  3.0 req/s  3 retryable errors  0 failed or dead  ETA --");
  EXPECT_EQ(render_progress(so_far(50, 0, 0, 0, 50, 2'000), 50),
            "50/50 jobs (100%)  25.0 req/s  0 retryable errors  0 failed or dead  ETA 0s");
}

TEST(RenderProgress, MoreDoneThanTotalStaysAtHundredPercent) {
  // Jobs imported during the run join its scope.
  EXPECT_EQ(render_progress(so_far(12, 0, 0, 0, 12, 1'000), 10),
            "12/10 jobs (100%)  12.0 req/s  0 retryable errors  0 failed or dead  ETA 0s");
  EXPECT_EQ(render_progress(so_far(0, 0, 0, 0, 0, 1'000), 0),
            "0/0 jobs (100%)  0.0 req/s  0 retryable errors  0 failed or dead  ETA 0s");
}

TEST(FormatDurationShort, SecondsMinutesHours) {
  EXPECT_EQ(format_duration_short(0), "0s");
  EXPECT_EQ(format_duration_short(41'000), "41s");
  EXPECT_EQ(format_duration_short(59'600), "1m00s");
  EXPECT_EQ(format_duration_short(365'000), "6m05s");
  EXPECT_EQ(format_duration_short(7'380'000), "2h03m");
  EXPECT_EQ(format_duration_short(-5), "0s");
}

TEST(ProgressLine, RedrawsInPlaceAtMostFourTimesASecondAndClearsAtTheEnd) {
  std::ostringstream out;
  ManualClock clock;
  {
    ProgressLine line(out, clock, 10, 0);
    line.update(so_far(1, 0, 0, 0, 1, 100));
    EXPECT_EQ(out.str(), "\r1/10 jobs (10%)  10.0 req/s  0 retryable errors  0 failed or dead  ETA 1s\x1b[K");
    out.str("");
    clock.advance_ms(100);
    line.update(so_far(2, 0, 0, 0, 2, 200));  // too soon: nothing drawn
    clock.advance_ms(100);
    line.update(so_far(3, 0, 0, 0, 3, 300));
    EXPECT_EQ(out.str(), "");
    clock.advance_ms(50);
    line.update(so_far(4, 0, 0, 0, 4, 350));  // 250 ms after the first draw
    EXPECT_EQ(out.str(), "\r4/10 jobs (40%)  11.4 req/s  0 retryable errors  0 failed or dead  ETA 1s\x1b[K");
    out.str("");
    line.finish();
    EXPECT_EQ(out.str(), "\r\x1b[K");
    out.str("");
  }  // finished already: the destructor writes nothing more
  EXPECT_EQ(out.str(), "");
}

TEST(ProgressLine, NothingDrawnMeansNothingToClear) {
  std::ostringstream out;
  ManualClock clock;
  { ProgressLine line(out, clock, 10, 80); }
  EXPECT_EQ(out.str(), "");
}

TEST(ProgressLine, CutToTheTerminalWidthSoItNeverWraps) {
  std::ostringstream out;
  ManualClock clock;
  ProgressLine line(out, clock, 10, 20);
  line.update(so_far(1, 0, 0, 0, 1, 100));
  EXPECT_EQ(out.str(), "\r1/10 jobs (10%)  10\x1b[K");  // 19 characters of the line
}

}  // namespace
}  // namespace oneall::cli
