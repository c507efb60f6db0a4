#include "util/rfc3339.hpp"

#include <gtest/gtest.h>

#include <string>

namespace oneall {
namespace {

// 2026-12-31T23:00:00Z, as `date -u -d 2026-12-31T23:00:00Z +%s` gives it.
constexpr EpochMs kNewYearsEveUtc = 1'798'758'000'000;

TEST(ParseRfc3339, ReadsUtcAndOffsets) {
  EXPECT_EQ(*parse_rfc3339("2026-12-31T23:00:00Z"), kNewYearsEveUtc);
  EXPECT_EQ(*parse_rfc3339("2027-01-01T00:00:00+01:00"), kNewYearsEveUtc);
  EXPECT_EQ(*parse_rfc3339("2026-12-31T17:30:00-05:30"), kNewYearsEveUtc);
  EXPECT_EQ(*parse_rfc3339("2026-12-31T23:00:00-00:00"), kNewYearsEveUtc);
  EXPECT_EQ(*parse_rfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*parse_rfc3339("1969-12-31T23:59:59Z"), -1000);
}

TEST(ParseRfc3339, TakesLowercaseTAndZAsTheRfcAllows) {
  EXPECT_EQ(*parse_rfc3339("2026-12-31t23:00:00z"), kNewYearsEveUtc);
}

TEST(ParseRfc3339, KeepsMillisecondsAndCutsFinerFractions) {
  EXPECT_EQ(*parse_rfc3339("2026-12-31T23:00:00.5Z"), kNewYearsEveUtc + 500);
  EXPECT_EQ(*parse_rfc3339("2026-12-31T23:00:00.123Z"), kNewYearsEveUtc + 123);
  EXPECT_EQ(*parse_rfc3339("2026-12-31T23:00:00.123999999Z"), kNewYearsEveUtc + 123);
}

TEST(ParseRfc3339, KnowsLeapYears) {
  EXPECT_TRUE(parse_rfc3339("2024-02-29T00:00:00Z"));
  EXPECT_TRUE(parse_rfc3339("2000-02-29T00:00:00Z"));   // divisible by 400
  EXPECT_FALSE(parse_rfc3339("2100-02-29T00:00:00Z"));  // by 100 but not 400
  EXPECT_FALSE(parse_rfc3339("2026-02-29T00:00:00Z"));
  EXPECT_EQ(*parse_rfc3339("2024-03-01T00:00:00Z") - *parse_rfc3339("2024-02-28T00:00:00Z"),
            2 * 86'400'000);
}

TEST(ParseRfc3339, RefusesWhatIsNotAStrictTimestamp) {
  for (const char* bad : {
           "",
           "2026-12-31",                 // no time
           "2026-12-31T23:00:00",        // no zone
           "2026-12-31 23:00:00Z",       // space for T
           "2026-12-31T23:00Z",          // no seconds
           "2026-13-01T00:00:00Z",       // month 13
           "2026-00-01T00:00:00Z",       // month 0
           "2026-04-31T00:00:00Z",       // April has 30 days
           "2026-01-00T00:00:00Z",       // day 0
           "2026-01-01T24:00:00Z",       // hour 24
           "2026-01-01T00:60:00Z",       // minute 60
           "2026-12-31T23:59:60Z",       // leap second
           "2026-01-01T00:00:00.Z",      // '.' without digits
           "2026-01-01T00:00:00+0100",   // offset without colon
           "2026-01-01T00:00:00+01",     // offset without minutes
           "2026-01-01T00:00:00+24:00",  // offset hour out of range
           "2026-01-01T00:00:00ZZ",      // more after the zone
           "2026-1-01T00:00:00Z",        // one-digit month
           "26-01-01T00:00:00Z",         // two-digit year
           "2026-01-01T00:00:00 UTC",    // a zone name
           "tomorrow",
       }) {
    EXPECT_FALSE(parse_rfc3339(bad)) << bad;
  }
}

TEST(ParseRfc3339, SaysWhatIsWrongAndWhatIsExpected) {
  const auto no_zone = parse_rfc3339("2026-12-31T23:00:00");
  ASSERT_FALSE(no_zone);
  EXPECT_NE(no_zone.error().message.find("no zone"), std::string::npos) << no_zone.error().message;
  EXPECT_NE(no_zone.error().message.find("2026-12-31T23:00:00Z"), std::string::npos);
  const auto bad_day = parse_rfc3339("2026-02-30T00:00:00Z");
  ASSERT_FALSE(bad_day);
  EXPECT_NE(bad_day.error().message.find("2026-02 has no day 30"), std::string::npos)
      << bad_day.error().message;
}

}  // namespace
}  // namespace oneall
