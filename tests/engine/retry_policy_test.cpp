#include "engine/retry_policy.hpp"

#include <gtest/gtest.h>

namespace oneall::engine {
namespace {

using store::JobState;

TEST(Classify, TableOfAnswers) {
  struct Case {
    const char* name;
    AttemptResult result;
    JobState next;
    const char* outcome;
    const char* note;
  };
  const auto del = api::Op::kDelete;
  const auto put = api::Op::kUpdate;
  const Case cases[] = {
      {"200 success", {put, 1, 5, false, 200, "success"}, JobState::kSucceeded, "succeeded", ""},
      {"204 no body", {del, 1, 5, false, 204, ""}, JobState::kSucceeded, "succeeded", ""},
      {"200 with error flag",
       {put, 1, 5, false, 200, "error"},
       JobState::kFailed,
       "failed",
       "api_flag_error"},
      {"connection error",
       {del, 1, 5, true, 0, ""},
       JobState::kPending,
       "retry",
       "transport_error"},
      {"timeout on last attempt",
       {del, 5, 5, true, 0, ""},
       JobState::kDead,
       "dead",
       "transport_error"},
      {"408", {put, 1, 5, false, 408, ""}, JobState::kPending, "retry", "http_408"},
      {"429", {put, 2, 5, false, 429, "error"}, JobState::kPending, "retry", "http_429"},
      {"500", {put, 1, 5, false, 500, ""}, JobState::kPending, "retry", "http_500"},
      {"502", {put, 1, 5, false, 502, ""}, JobState::kPending, "retry", "http_502"},
      {"503", {put, 1, 5, false, 503, ""}, JobState::kPending, "retry", "http_503"},
      {"504", {put, 1, 5, false, 504, ""}, JobState::kPending, "retry", "http_504"},
      {"503 attempts exhausted", {put, 5, 5, false, 503, ""}, JobState::kDead, "dead", "http_503"},
      {"501 is permanent", {put, 1, 5, false, 501, ""}, JobState::kFailed, "failed", "http_501"},
      {"400", {put, 1, 5, false, 400, "error"}, JobState::kFailed, "failed", "http_400"},
      {"401", {put, 1, 5, false, 401, "error"}, JobState::kFailed, "failed", "http_401"},
      {"403", {del, 1, 5, false, 403, "error"}, JobState::kFailed, "failed", "http_403"},
      {"404 first delete",
       {del, 1, 5, false, 404, "error"},
       JobState::kFailed,
       "failed",
       "http_404"},
      {"404 later delete",
       {del, 2, 5, false, 404, "error"},
       JobState::kSucceeded,
       "succeeded",
       "already_gone"},
      {"404 later update",
       {put, 2, 5, false, 404, "error"},
       JobState::kFailed,
       "failed",
       "http_404"},
      {"409", {put, 1, 5, false, 409, ""}, JobState::kFailed, "failed", "http_409"},
      {"max_attempts 1", {del, 1, 1, false, 500, ""}, JobState::kDead, "dead", "http_500"},
  };
  for (const auto& c : cases) {
    const Decision decision = classify(c.result);
    EXPECT_EQ(decision.next, c.next) << c.name;
    EXPECT_EQ(decision.outcome, c.outcome) << c.name;
    EXPECT_EQ(decision.note, c.note) << c.name;
  }
}

TEST(BackoffMs, StaysWithinTheExponentialCeilingAndTheCap) {
  std::mt19937_64 random(42);
  for (int attempt = 1; attempt <= 12; ++attempt) {
    const std::int64_t ceiling = std::min<std::int64_t>(60'000, 500LL << (attempt - 1));
    std::int64_t highest = 0;
    for (int i = 0; i < 2000; ++i) {
      const std::int64_t wait = backoff_ms(attempt, 500, 60'000, random);
      ASSERT_GE(wait, 0);
      ASSERT_LE(wait, ceiling) << "attempt " << attempt;
      highest = std::max(highest, wait);
    }
    // Full jitter spreads over the whole range, not a sliver of it.
    EXPECT_GT(highest, ceiling * 9 / 10) << "attempt " << attempt;
  }
  EXPECT_LE(backoff_ms(1000, 500, 60'000, random), 60'000);  // no overflow on huge attempts
  EXPECT_EQ(backoff_ms(3, 0, 60'000, random), 0);
}

TEST(BackoffMs, IsDeterministicForASeed) {
  std::mt19937_64 a(7), b(7);
  for (int attempt = 1; attempt < 6; ++attempt) {
    EXPECT_EQ(backoff_ms(attempt, 100, 10'000, a), backoff_ms(attempt, 100, 10'000, b));
  }
}

TEST(ParseRetryAfter, SecondsDatesAndGarbage) {
  const EpochMs now = 784'111'777'000;  // Sun, 06 Nov 1994 08:49:37 GMT
  EXPECT_EQ(parse_retry_after_ms("120", now), 120'000);
  EXPECT_EQ(parse_retry_after_ms(" 0 \r\n", now), 0);
  EXPECT_EQ(parse_retry_after_ms("Sun, 06 Nov 1994 08:49:47 GMT", now), 10'000);
  EXPECT_EQ(parse_retry_after_ms("Sun, 06 Nov 1994 08:49:27 GMT", now), 0);  // in the past
  EXPECT_EQ(parse_retry_after_ms("99999999999999999999999", now), 24LL * 3600 * 1000);
  EXPECT_EQ(parse_retry_after_ms("100000000", now), 24LL * 3600 * 1000);
  for (const char* garbage : {"", "-5", "soon", "1.5", "12abc", "Sun, 06 Nov 1994", "  "}) {
    EXPECT_EQ(parse_retry_after_ms(garbage, now), std::nullopt) << garbage;
  }
}

}  // namespace
}  // namespace oneall::engine
