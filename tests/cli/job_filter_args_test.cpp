#include "cli/job_filter_args.hpp"

#include <gtest/gtest.h>

#include <string>

namespace oneall::cli {
namespace {

using store::HttpStatusRange;
using store::JobState;

const std::vector<JobState> kRetryStates = {JobState::kFailed, JobState::kDead,
                                            JobState::kCancelled};

TEST(ParseHttpStatus, TakesACodeOrAClass) {
  const struct {
    const char* text;
    HttpStatusRange range;
  } cases[] = {
      {"404", {404, 404}}, {"100", {100, 100}}, {"599", {599, 599}},
      {"200", {200, 200}}, {"5xx", {500, 599}}, {"5XX", {500, 599}},
      {"4xx", {400, 499}}, {"1xx", {100, 199}}, {"2xX", {200, 299}},
  };
  for (const auto& c : cases) {
    auto range = parse_http_status(c.text);
    ASSERT_TRUE(range.ok()) << c.text << ": " << range.error().message;
    EXPECT_EQ(*range, c.range) << c.text;
  }
}

TEST(ParseHttpStatus, RefusesWhatIsNotOneAndSaysWhatIs) {
  for (const char* text : {"", "4", "40", "4040", "099", "600", "6xx", "0xx", "x04", "4x4", "40x",
                           "-44", " 404", "404 ", "5xx,4xx", "abc", "xxx", "+44"}) {
    auto range = parse_http_status(text);
    ASSERT_FALSE(range.ok()) << text;
    EXPECT_NE(range.error().message.find("expected a code from 100 to 599 such as 404, or a "
                                         "class such as 4xx or 5xx"),
              std::string::npos)
        << range.error().message;
  }
}

TEST(ParseStateList, TakesOneOrSeveralOfTheAllowedStates) {
  EXPECT_EQ(*parse_state_list("failed", kRetryStates), std::vector<JobState>{JobState::kFailed});
  EXPECT_EQ(*parse_state_list("failed,dead", kRetryStates),
            (std::vector<JobState>{JobState::kFailed, JobState::kDead}));
  EXPECT_EQ(*parse_state_list("cancelled,failed,cancelled", kRetryStates),
            (std::vector<JobState>{JobState::kCancelled, JobState::kFailed}));
}

TEST(ParseStateList, RefusesOtherStatesAndEmptyNamesSayingWhatIsAccepted) {
  const struct {
    const char* text;
    const char* why;
  } cases[] = {
      {"pending", "'pending' is not a state this command acts on"},
      {"failed,running", "'running' is not a state this command acts on"},
      {"faild", "'faild' is not a job state"},
      {"Failed", "'Failed' is not a job state"},
      {"failed, dead", "' dead' is not a job state"},
      {"", "names no state"},
      {"failed,", "names no state"},
      {",dead", "names no state"},
      {"failed,,dead", "names no state"},
  };
  for (const auto& c : cases) {
    auto states = parse_state_list(c.text, kRetryStates);
    ASSERT_FALSE(states.ok()) << c.text;
    EXPECT_NE(states.error().message.find(c.why), std::string::npos) << states.error().message;
    EXPECT_NE(states.error().message.find("expected failed, dead, cancelled, or several"),
              std::string::npos)
        << states.error().message;
  }
  auto pending_only = parse_state_list("dead", {JobState::kPending});
  ASSERT_FALSE(pending_only.ok());
  EXPECT_NE(pending_only.error().message.find("(expected pending)"), std::string::npos)
      << pending_only.error().message;
}

}  // namespace
}  // namespace oneall::cli
