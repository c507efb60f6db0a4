#include "cli/rate_arg.hpp"

#include <gtest/gtest.h>

#include <string>

namespace oneall::cli {
namespace {

TEST(ParseRate, AcceptsAnyAmountOfTimeInTheDurationGrammar) {
  const struct {
    const char* text;
    double per_second;
  } cases[] = {
      {"20", 20},       {"20/s", 20},        {"20/sec", 20},       {"0.5", 0.5},
      {"1200/min", 20}, {"90/m", 1.5},       {"7200/h", 2},        {"3600/hour", 1},
      {"1/h", 1.0 / 3600}, {"2.5/s", 2.5},   {"86400/day", 1},     {"86400/d", 1},
      {"1/ms", 1000},   {"100/90s", 100.0 / 90}, {"30/1h30m", 30.0 / 5400}, {"20/2", 10},
  };
  for (const auto& c : cases) {
    auto rate = parse_rate(c.text);
    ASSERT_TRUE(rate.ok()) << c.text << ": " << rate.error().message;
    EXPECT_DOUBLE_EQ(*rate, c.per_second) << c.text;
  }
}

TEST(ParseRate, RefusesWhatIsNotAPositiveRate) {
  const struct {
    const char* text;
    const char* why;
  } cases[] = {
      {"", "not a number"},           {"0", "greater than zero"},
      {"0/min", "greater than zero"}, {"-5", "greater than zero"},
      {"abc", "not a number"},        {"20 /s", "not a number"},
      {"20/", "\"\" is not an amount of time"},
      {"20/week", "\"week\" is not an amount of time"},
      {"30/minute", "\"minute\" is not an amount of time"},
      {"20/S", "\"S\" is not an amount of time"}, {"/s", "not a number"},
      {"inf", "not a number"},        {"nan", "not a number"},
      {"1e999", "not a number"},      {"20/s/s", "\"s/s\" is not an amount of time"},
      {"20/0s", "\"0s\" is not an amount of time"},
  };
  for (const auto& c : cases) {
    auto rate = parse_rate(c.text);
    ASSERT_FALSE(rate.ok()) << c.text << " gave " << *rate;
    const std::string& message = rate.error().message;
    EXPECT_NE(message.find(c.why), std::string::npos) << c.text << ": " << message;
    EXPECT_NE(message.find(std::string("\"") + c.text + "\""), std::string::npos) << message;
    EXPECT_NE(message.find("1200/min"), std::string::npos) << "says what is accepted: " << message;
  }
}

}  // namespace
}  // namespace oneall::cli
