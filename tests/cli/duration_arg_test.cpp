#include "cli/duration_arg.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace oneall::cli {
namespace {

TEST(ParseDuration, AcceptsUnitsCombinationsAndPlainSeconds) {
  const struct {
    const char* text;
    std::int64_t ms;
  } cases[] = {
      {"90s", 90'000},
      {"15m", 900'000},
      {"2h", 7'200'000},
      {"1h30m", 5'400'000},
      {"1h30m15s", 5'415'000},
      {"1d", 86'400'000},
      {"1d2h", 93'600'000},
      {"90", 90'000},
      {"0.5", 500},
      {"1.5h", 5'400'000},
      {"250ms", 250},
      {"1s500ms", 1'500},
      {"0h5m", 300'000},
      {"366d", 366LL * 86'400'000},
      // The long spellings, the same as a rate's (one table of units for both).
      {"5min", 300'000},
      {"1h30min", 5'400'000},
      {"2hour", 7'200'000},
      {"1day", 86'400'000},
      {"45sec", 45'000},
      {"1hour15min30sec", 4'530'000},
  };
  for (const auto& c : cases) {
    auto ms = parse_duration_ms(c.text);
    ASSERT_TRUE(ms.ok()) << c.text << ": " << ms.error().message;
    EXPECT_EQ(*ms, c.ms) << c.text;
  }
}

TEST(ParseDuration, RefusesWhatIsNotAPositiveDuration) {
  const struct {
    const char* text;
    const char* why;
  } cases[] = {
      {"", "empty"},
      {"0", "longer than zero"},
      {"0s", "longer than zero"},
      {"0h0m", "longer than zero"},
      {"-5m", "expected a number"},
      {"10x", "unknown unit \"x\""},
      {"10 m", "no unit"},
      {"m", "expected a number"},
      {"1h30", "\"30\" has no unit"},
      {"30m1h", "comes after a smaller one"},
      {"1h1h", "repeats a unit"},
      {"1m1min", "repeats a unit"},
      {"1hour1h", "repeats a unit"},
      {"5minutes", "unknown unit \"minutes\""},
      {"1.2.3s", "not a number"},
      {"400d", "366 days"},
      {"1H", "unknown unit \"H\""},
      {"soon", "expected a number"},
  };
  for (const auto& c : cases) {
    auto ms = parse_duration_ms(c.text);
    ASSERT_FALSE(ms.ok()) << c.text << " gave " << *ms;
    const std::string& message = ms.error().message;
    EXPECT_NE(message.find(c.why), std::string::npos) << c.text << ": " << message;
    EXPECT_NE(message.find("1h30m"), std::string::npos) << "says what is accepted: " << message;
  }
}

TEST(ParseDuration, EveryUnitNamedInTheHelpIsAccepted) {
  // kTimeUnits is what --help and the messages list: "ms; s or sec; ..."
  std::string units(kTimeUnits);
  for (char& c : units) {
    if (c == ';') c = ' ';
  }
  std::istringstream words(units);
  std::string word;
  int seen = 0;
  while (words >> word) {
    if (word == "or") continue;
    ++seen;
    EXPECT_TRUE(parse_duration_ms("2" + word).ok()) << word;
    EXPECT_TRUE(parse_period_ms(word).ok()) << word;
  }
  EXPECT_EQ(seen, 9);
}

TEST(ParseDuration, PeriodTakesAUnitAlone) {
  EXPECT_EQ(*parse_period_ms("min"), 60'000);
  EXPECT_EQ(*parse_period_ms("h"), 3'600'000);
  EXPECT_EQ(*parse_period_ms("90s"), 90'000);
  EXPECT_FALSE(parse_period_ms("").ok());
  EXPECT_FALSE(parse_period_ms("week").ok());
}

TEST(ParseDuration, WithinABound) {
  EXPECT_EQ(*parse_duration_ms_within("30", 100, 3'600'000), 30'000);
  EXPECT_EQ(*parse_duration_ms_within("100ms", 100, 3'600'000), 100);
  auto short_one = parse_duration_ms_within("50ms", 100, 3'600'000);
  ASSERT_FALSE(short_one.ok());
  EXPECT_NE(short_one.error().message.find("out of range: give 100ms to 1h"), std::string::npos)
      << short_one.error().message;
  EXPECT_FALSE(parse_duration_ms_within("2h", 100, 3'600'000).ok());
}

}  // namespace
}  // namespace oneall::cli
