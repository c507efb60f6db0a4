// `prune --before WHEN`: ages count back from now, RFC 3339 dates are taken as written (a date
// alone is midnight UTC; a time needs its zone), and a moment in the future is refused.
#include "cli/before_arg.hpp"

#include <gtest/gtest.h>

namespace oneall::cli {
namespace {

constexpr EpochMs kNow = 1'796'400'000'000;  // 2026-12-04T16:00:00Z

TEST(BeforeArgTest, AnAgeCountsBackFromNow) {
  EXPECT_EQ(*parse_before("90d", kNow), kNow - 90LL * 86'400'000);
  EXPECT_EQ(*parse_before("36h", kNow), kNow - 36LL * 3'600'000);
  EXPECT_EQ(*parse_before("1d12h", kNow), kNow - 36LL * 3'600'000);
}

TEST(BeforeArgTest, ADateIsTakenAsWritten) {
  EXPECT_EQ(*parse_before("2026-01-31", kNow), 1'769'817'600'000);  // midnight UTC
  EXPECT_EQ(*parse_before("2026-01-31T12:00:00Z", kNow), 1'769'860'800'000);
  EXPECT_EQ(*parse_before("2026-01-31T13:00:00+01:00", kNow), 1'769'860'800'000);
  EXPECT_EQ(*parse_before("2026-01-31T11:30:00-00:30", kNow), 1'769'860'800'000);
  EXPECT_EQ(*parse_before("2026-01-31T12:00:00.250Z", kNow), 1'769'860'800'250);
}

TEST(BeforeArgTest, WhatIsNeitherIsRefusedSayingWhatIsAccepted) {
  for (const char* bad : {"", "soon", "2026-13-01", "2026-02-30", "2026-01-31T12:00:00",
                          "2026-01-31T25:00:00Z", "2026-01-31T12:00:00+0100", "-5d", "0s"}) {
    auto parsed = parse_before(bad, kNow);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_NE(parsed.error().message.find("RFC 3339"), std::string::npos) << bad;
  }
}

TEST(BeforeArgTest, AMomentInTheFutureIsRefused) {
  auto parsed = parse_before("2027-01-01", kNow);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().message.find("in the future"), std::string::npos);
}

}  // namespace
}  // namespace oneall::cli
