#include "engine/retry_policy.hpp"

#include <gtest/gtest.h>

#include <set>

namespace oneall::engine {
namespace {

using store::JobState;

constexpr auto kDel = api::Op::kDelete;
constexpr auto kPut = api::Op::kUpdate;

// An answered attempt.
AttemptResult answered(api::Op op, int status, std::string_view flag = "", int attempt = 1,
                       int max_attempts = 5) {
  AttemptResult r;
  r.op = op;
  r.attempt = attempt;
  r.max_attempts = max_attempts;
  r.http_status = status;
  r.api_flag = flag;
  return r;
}

// An attempt that got no complete answer.
AttemptResult unanswered(CURLcode code, bool sent, int attempt = 1, int max_attempts = 5) {
  AttemptResult r;
  r.attempt = attempt;
  r.max_attempts = max_attempts;
  r.curl_code = code;
  r.request_sent = sent;
  return r;
}

AttemptResult with_history(AttemptResult r, bool earlier_reached) {
  r.earlier_attempt_may_have_reached_server = earlier_reached;
  return r;
}

// As `run --missing-ok` classifies it.
AttemptResult missing_ok(AttemptResult r) {
  r.missing_ok = true;
  return r;
}

TEST(Classify, TableOfAnswers) {
  struct Case {
    const char* name;
    AttemptResult result;
    JobState next;
    const char* outcome;
    const char* note;
  };
  const Case cases[] = {
      // 2xx
      {"200 success", answered(kPut, 200, "success"), JobState::kSucceeded, "succeeded", ""},
      {"200 no body", answered(kDel, 200), JobState::kSucceeded, "succeeded", ""},
      {"201", answered(kPut, 201, "success"), JobState::kSucceeded, "succeeded", ""},
      {"204 no body", answered(kDel, 204), JobState::kSucceeded, "succeeded", ""},
      {"207 partial", answered(kPut, 207, "success"), JobState::kSucceeded, "succeeded", ""},
      {"200 odd flag", answered(kPut, 200, "warning"), JobState::kSucceeded, "succeeded", ""},
      {"200 error flag", answered(kPut, 200, "error"), JobState::kFailed, "failed",
       "api_flag_error"},
      {"204 error flag", answered(kDel, 204, "error"), JobState::kFailed, "failed",
       "api_flag_error"},
      // retryable statuses, with attempts left and without
      {"408", answered(kPut, 408), JobState::kPending, "retry", "http_408"},
      {"429", answered(kPut, 429, "error", 2), JobState::kPending, "retry", "http_429"},
      {"500", answered(kPut, 500), JobState::kPending, "retry", "http_500"},
      {"502", answered(kDel, 502), JobState::kPending, "retry", "http_502"},
      {"503", answered(kPut, 503), JobState::kPending, "retry", "http_503"},
      {"504", answered(kDel, 504), JobState::kPending, "retry", "http_504"},
      {"503 on attempt 4 of 5", answered(kPut, 503, "", 4, 5), JobState::kPending, "retry",
       "http_503"},
      {"503 on attempt 5 of 5", answered(kPut, 503, "", 5, 5), JobState::kDead, "dead", "http_503"},
      {"429 exhausted", answered(kDel, 429, "error", 3, 3), JobState::kDead, "dead", "http_429"},
      {"max_attempts 1", answered(kDel, 500, "", 1, 1), JobState::kDead, "dead", "http_500"},
      // permanent statuses
      {"501", answered(kPut, 501), JobState::kFailed, "failed", "http_501"},
      {"505", answered(kPut, 505), JobState::kFailed, "failed", "http_505"},
      {"400", answered(kPut, 400, "error"), JobState::kFailed, "failed", "http_400"},
      {"401", answered(kPut, 401, "error"), JobState::kFailed, "failed", "http_401"},
      {"403", answered(kDel, 403, "error"), JobState::kFailed, "failed", "http_403"},
      {"409", answered(kPut, 409), JobState::kFailed, "failed", "http_409"},
      {"410", answered(kDel, 410), JobState::kFailed, "failed", "http_410"},
      {"301 is not followed", answered(kDel, 301), JobState::kFailed, "failed", "http_301"},
      {"304", answered(kPut, 304), JobState::kFailed, "failed", "http_304"},
      {"404 on the last attempt", answered(kPut, 404, "error", 5, 5), JobState::kFailed, "failed",
       "http_404"},
      // 404: first vs later attempt, DELETE vs PUT
      {"404 first delete", answered(kDel, 404, "error"), JobState::kFailed, "failed", "http_404"},
      {"404 later delete, earlier may have reached",
       with_history(answered(kDel, 404, "error", 2), true), JobState::kSucceeded, "succeeded",
       "already_gone"},
      {"404 last delete, earlier may have reached",
       with_history(answered(kDel, 404, "error", 5, 5), true), JobState::kSucceeded, "succeeded",
       "already_gone"},
      {"404 later delete, earlier never reached",
       with_history(answered(kDel, 404, "error", 3), false), JobState::kFailed, "failed",
       "http_404"},
      {"404 later update, earlier may have reached",
       with_history(answered(kPut, 404, "error", 2), true), JobState::kFailed, "failed",
       "http_404"},
      // --missing-ok: a delete answered 404 is done on any attempt; nothing else changes
      {"missing-ok, 404 first delete", missing_ok(answered(kDel, 404, "error")),
       JobState::kSucceeded, "succeeded", "already_gone"},
      {"missing-ok, 404 later delete, earlier never reached",
       missing_ok(with_history(answered(kDel, 404, "error", 3), false)), JobState::kSucceeded,
       "succeeded", "already_gone"},
      {"missing-ok, 404 last delete", missing_ok(answered(kDel, 404, "error", 5, 5)),
       JobState::kSucceeded, "succeeded", "already_gone"},
      {"missing-ok, 404 first update", missing_ok(answered(kPut, 404, "error")), JobState::kFailed,
       "failed", "http_404"},
      {"missing-ok, 404 later update, earlier may have reached",
       missing_ok(with_history(answered(kPut, 404, "error", 2), true)), JobState::kFailed,
       "failed", "http_404"},
      {"missing-ok, 410 delete", missing_ok(answered(kDel, 410, "error")), JobState::kFailed,
       "failed", "http_410"},
      {"missing-ok, 200 delete", missing_ok(answered(kDel, 200, "success")), JobState::kSucceeded,
       "succeeded", ""},
      {"missing-ok, 503 delete", missing_ok(answered(kDel, 503)), JobState::kPending, "retry",
       "http_503"},
      {"missing-ok, a 2xx flagged error is no 404",
       missing_ok(answered(kDel, 200, "error")), JobState::kFailed, "failed", "api_flag_error"},
      {"missing-ok, delete cut before its answer",
       missing_ok(unanswered(CURLE_RECV_ERROR, true)), JobState::kPending, "retry",
       "connection_lost"},
      // transport failures
      {"connection refused", unanswered(CURLE_COULDNT_CONNECT, false), JobState::kPending, "retry",
       "not_sent"},
      {"unknown host", unanswered(CURLE_COULDNT_RESOLVE_HOST, false), JobState::kPending, "retry",
       "not_sent"},
      {"connection refused, last attempt", unanswered(CURLE_COULDNT_CONNECT, false, 5, 5),
       JobState::kDead, "dead", "not_sent"},
      {"timeout after sending", unanswered(CURLE_OPERATION_TIMEDOUT, true), JobState::kPending,
       "retry", "timeout"},
      {"timeout while connecting", unanswered(CURLE_OPERATION_TIMEDOUT, false), JobState::kPending,
       "retry", "not_sent"},
      {"timeout, last attempt", unanswered(CURLE_OPERATION_TIMEDOUT, true, 2, 2), JobState::kDead,
       "dead", "timeout"},
      {"reset while receiving", unanswered(CURLE_RECV_ERROR, true), JobState::kPending, "retry",
       "connection_lost"},
      {"empty reply", unanswered(CURLE_GOT_NOTHING, true), JobState::kPending, "retry",
       "connection_lost"},
      {"half a body", unanswered(CURLE_PARTIAL_FILE, true), JobState::kPending, "retry",
       "connection_lost"},
      {"http2 stream reset", unanswered(CURLE_HTTP2_STREAM, true), JobState::kPending, "retry",
       "connection_lost"},
      {"tls handshake cut", unanswered(CURLE_SSL_CONNECT_ERROR, false), JobState::kPending, "retry",
       "not_sent"},
      {"certificate refused", unanswered(CURLE_PEER_FAILED_VERIFICATION, false), JobState::kFailed,
       "failed", "tls_error"},
      {"ca file unreadable", unanswered(CURLE_SSL_CACERT_BADFILE, false), JobState::kFailed,
       "failed", "tls_error"},
      {"bad url", unanswered(CURLE_URL_MALFORMAT, false), JobState::kFailed, "failed",
       "curl_error"},
      {"out of memory", unanswered(CURLE_OUT_OF_MEMORY, true), JobState::kFailed, "failed",
       "curl_error"},
  };
  for (const auto& c : cases) {
    const Decision decision = classify(c.result);
    EXPECT_EQ(decision.next, c.next) << c.name;
    EXPECT_EQ(decision.outcome, c.outcome) << c.name;
    EXPECT_EQ(decision.note, c.note) << c.name;
  }
}

TEST(Classify, ATransportFailureWinsOverAPartialStatus) {
  // Headers of a 200 arrived, then the connection died: the job is not done.
  AttemptResult r = unanswered(CURLE_RECV_ERROR, true);
  r.http_status = 200;
  r.api_flag = "success";
  EXPECT_EQ(classify(r).next, JobState::kPending);
}

// What nginx sends for `return 200 '…'`: 77 bytes announced, 77 received.
ReceivedAnswer whole(int status = 200, std::int64_t length = 77, std::uint64_t received = 77) {
  return {status, true, length, received};
}

TEST(SettledResult, ACompleteAnswerOutlivesWhatFailedAfterIt) {
  struct Case {
    const char* name;
    CURLcode result;
    ReceivedAnswer answer;
    CURLcode settled;
  };
  const ReceivedAnswer headers_cut{200, false, -1, 0};
  const ReceivedAnswer no_answer{};
  const ReceivedAnswer no_length{200, true, -1, 77};
  const Case cases[] = {
      // RST_STREAM(NO_ERROR) after the whole answer, request body still unsent (libcurl 7.88)
      {"h2 reset after 200", CURLE_HTTP2_STREAM, whole(), CURLE_OK},
      {"h2 reset after 500", CURLE_HTTP2_STREAM, whole(500), CURLE_OK},
      {"h2 reset after 404", CURLE_HTTP2_STREAM, whole(404, 0, 0), CURLE_OK},
      {"reset after 204", CURLE_HTTP2_STREAM, {204, true, -1, 0}, CURLE_OK},
      {"reset after 304", CURLE_RECV_ERROR, {304, true, 1000, 0}, CURLE_OK},
      {"h2 session error after", CURLE_HTTP2, whole(), CURLE_OK},
      {"send error after", CURLE_SEND_ERROR, whole(), CURLE_OK},
      {"recv error after", CURLE_RECV_ERROR, whole(), CURLE_OK},
      {"timeout after", CURLE_OPERATION_TIMEDOUT, whole(), CURLE_OK},
      // genuine stream errors: no status, headers cut, body short or unbounded
      {"no answer", CURLE_HTTP2_STREAM, no_answer, CURLE_HTTP2_STREAM},
      {"headers cut", CURLE_HTTP2_STREAM, headers_cut, CURLE_HTTP2_STREAM},
      {"body short", CURLE_HTTP2_STREAM, whole(200, 77, 40), CURLE_HTTP2_STREAM},
      {"body empty", CURLE_PARTIAL_FILE, whole(200, 77, 0), CURLE_PARTIAL_FILE},
      {"body longer", CURLE_HTTP2_STREAM, whole(200, 77, 78), CURLE_HTTP2_STREAM},
      {"no length", CURLE_HTTP2_STREAM, no_length, CURLE_HTTP2_STREAM},
      {"only a 100", CURLE_RECV_ERROR, {100, true, -1, 0}, CURLE_RECV_ERROR},
      {"timeout, no answer", CURLE_OPERATION_TIMEDOUT, no_answer, CURLE_OPERATION_TIMEDOUT},
      // failures that are not about the answer stay what they are
      {"tls refused", CURLE_PEER_FAILED_VERIFICATION, whole(), CURLE_PEER_FAILED_VERIFICATION},
      {"local fault", CURLE_OUT_OF_MEMORY, whole(), CURLE_OUT_OF_MEMORY},
      {"ok stays ok", CURLE_OK, whole(200, 77, 40), CURLE_OK},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(settled_result(c.result, c.answer), c.settled) << c.name;
  }
}

TEST(SettledResult, AResetAfterACompleteAnswerClassifiesByTheAnswer) {
  AttemptResult r = answered(kPut, 200, "success");
  r.curl_code = settled_result(CURLE_HTTP2_STREAM, whole());
  EXPECT_EQ(classify(r).next, JobState::kSucceeded);
  r.curl_code = settled_result(CURLE_HTTP2_STREAM, whole(200, 77, 76));
  EXPECT_EQ(classify(r).next, JobState::kPending);
  r.http_status = 503;
  r.curl_code = settled_result(CURLE_HTTP2_STREAM, whole(503));
  EXPECT_EQ(classify(r).note, "http_503");  // retried for its status, not as a lost connection
}

TEST(Classify, RetryableStatusesAreExactlyTheDocumentedOnes) {
  std::set<int> retryable;
  for (int status = 100; status < 600; ++status) {
    if (is_retryable_status(status)) retryable.insert(status);
  }
  EXPECT_EQ(retryable, (std::set<int>{408, 429, 500, 502, 503, 504}));
}

TEST(TransportFailure, Categories) {
  EXPECT_EQ(transport_failure(CURLE_OK), TransportFailure::kNone);
  EXPECT_EQ(transport_failure(CURLE_COULDNT_CONNECT), TransportFailure::kConnect);
  EXPECT_EQ(transport_failure(CURLE_COULDNT_RESOLVE_PROXY), TransportFailure::kConnect);
  EXPECT_EQ(transport_failure(CURLE_OPERATION_TIMEDOUT), TransportFailure::kTimeout);
  EXPECT_EQ(transport_failure(CURLE_SEND_ERROR), TransportFailure::kConnectionLost);
  EXPECT_EQ(transport_failure(CURLE_WEIRD_SERVER_REPLY), TransportFailure::kConnectionLost);
  EXPECT_EQ(transport_failure(CURLE_HTTP2), TransportFailure::kConnectionLost);
  EXPECT_EQ(transport_failure(CURLE_SSL_CERTPROBLEM), TransportFailure::kTls);
  EXPECT_EQ(transport_failure(CURLE_UNSUPPORTED_PROTOCOL), TransportFailure::kLocal);
  EXPECT_EQ(transport_failure(CURLE_WRITE_ERROR), TransportFailure::kLocal);
}

TEST(NeedsAttemptHistory, OnlyForALaterDeleteAnswered404) {
  EXPECT_TRUE(needs_attempt_history(answered(kDel, 404, "error", 2)));
  EXPECT_FALSE(needs_attempt_history(answered(kDel, 404, "error", 1)));
  EXPECT_FALSE(needs_attempt_history(answered(kPut, 404, "error", 2)));
  EXPECT_FALSE(needs_attempt_history(answered(kDel, 410, "error", 2)));
  AttemptResult cut = unanswered(CURLE_RECV_ERROR, true, 2);
  cut.http_status = 404;
  EXPECT_FALSE(needs_attempt_history(cut));
  // --missing-ok decides without the history: no read of the audit log per 404.
  EXPECT_FALSE(needs_attempt_history(missing_ok(answered(kDel, 404, "error", 2))));
}

TEST(MayHaveReachedServer, TableOfEarlierAttempts) {
  struct Case {
    const char* name;
    int http_status;
    const char* outcome;
    const char* note;
    bool reached;
  };
  const Case cases[] = {
      {"interrupted by a crash", 0, "interrupted", "lease expired", true},
      {"timeout after sending", 0, "retry", "timeout", true},
      {"connection lost", 0, "retry", "connection_lost", true},
      {"row of an older version", 0, "retry", "transport_error", true},
      {"never sent", 0, "retry", "not_sent", false},
      {"never sent, dead", 0, "dead", "not_sent", false},
      {"certificate refused", 0, "failed", "tls_error", false},
      {"500", 500, "retry", "http_500", true},
      {"502", 502, "retry", "http_502", true},
      {"503", 503, "retry", "http_503", true},
      {"504", 504, "dead", "http_504", true},
      {"200 whose body was cut", 200, "retry", "connection_lost", true},
      {"200 with an error flag", 200, "failed", "api_flag_error", true},
      {"408", 408, "retry", "http_408", false},
      {"429", 429, "retry", "http_429", false},
      {"401", 401, "failed", "http_401", false},
      {"403", 403, "failed", "http_403", false},
      {"404", 404, "failed", "http_404", false},
      {"301", 301, "failed", "http_301", false},
  };
  for (const auto& c : cases) {
    store::AttemptRecord row;
    row.http_status = c.http_status;
    row.outcome = c.outcome;
    row.note = c.note;
    EXPECT_EQ(may_have_reached_server(row), c.reached) << c.name;
    // Sent twice by libcurl (a reused connection closed unanswered, then a fresh one): the
    // first send may have been applied, whatever the second was told.
    row.requests_sent = 2;
    EXPECT_TRUE(may_have_reached_server(row)) << c.name << ", sent twice";
  }
}

TEST(BackoffMs, StaysWithinTheExponentialCeilingAndTheCap) {
  std::mt19937_64 random(42);
  for (int attempt = 1; attempt <= 12; ++attempt) {
    const std::int64_t ceiling = std::min<std::int64_t>(60'000, 500LL << (attempt - 1));
    std::int64_t highest = 0;
    std::int64_t lowest = ceiling;
    for (int i = 0; i < 2000; ++i) {
      const std::int64_t wait = backoff_ms(attempt, 500, 60'000, random);
      ASSERT_GE(wait, 0);
      ASSERT_LE(wait, ceiling) << "attempt " << attempt;
      highest = std::max(highest, wait);
      lowest = std::min(lowest, wait);
    }
    // Full jitter spreads over the whole range, not a sliver of it.
    EXPECT_GT(highest, ceiling * 9 / 10) << "attempt " << attempt;
    EXPECT_LT(lowest, ceiling / 10) << "attempt " << attempt;
  }
}

TEST(BackoffMs, EdgeCases) {
  std::mt19937_64 random(3);
  for (int i = 0; i < 100; ++i) {
    EXPECT_LE(backoff_ms(1000, 500, 60'000, random), 60'000);  // no overflow on huge attempts
    EXPECT_LE(backoff_ms(64, 1LL << 40, 1LL << 50, random), 1LL << 50);
    EXPECT_LE(backoff_ms(0, 500, 60'000, random), 500);  // attempt 0 counts as the first
    EXPECT_LE(backoff_ms(-3, 500, 60'000, random), 500);
    EXPECT_LE(backoff_ms(1, 5'000, 1'000, random), 1'000);  // a cap below the base wins
  }
  EXPECT_EQ(backoff_ms(3, 0, 60'000, random), 0);
  EXPECT_EQ(backoff_ms(3, 500, 0, random), 0);
  EXPECT_EQ(backoff_ms(3, -1, 60'000, random), 0);
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
  EXPECT_EQ(parse_retry_after_ms("1", now), 1'000);
  EXPECT_EQ(parse_retry_after_ms(" 0 \r\n", now), 0);
  EXPECT_EQ(parse_retry_after_ms("\t7", now), 7'000);
  EXPECT_EQ(parse_retry_after_ms("Sun, 06 Nov 1994 08:49:47 GMT", now), 10'000);
  EXPECT_EQ(parse_retry_after_ms("Sun, 06 Nov 1994 08:49:27 GMT", now), 0);  // in the past
  EXPECT_EQ(parse_retry_after_ms("99999999999999999999999", now), 24LL * 3600 * 1000);
  EXPECT_EQ(parse_retry_after_ms("100000000", now), 24LL * 3600 * 1000);
  for (const char* garbage : {"", "-5", "+5", "soon", "1.5", "12abc", "1 2", "Sun, 06 Nov 1994",
                              "  ", "Sun, 06 Nov 1994 08:49:47 PST"}) {
    EXPECT_EQ(parse_retry_after_ms(garbage, now), std::nullopt) << garbage;
  }
}

TEST(ParseRetryAfter, HostileValuesAreIgnoredOrClampedToADay) {
  const EpochMs now = 784'111'777'000;  // Sun, 06 Nov 1994 08:49:37 GMT
  constexpr std::int64_t kDay = 24LL * 3600 * 1000;
  EXPECT_EQ(parse_retry_after_ms("9223372036854775807", now), kDay);
  EXPECT_EQ(parse_retry_after_ms("9223372036854775808", now), kDay);
  EXPECT_EQ(parse_retry_after_ms("86400", now), kDay);
  EXPECT_EQ(parse_retry_after_ms("86401", now), kDay);
  EXPECT_EQ(parse_retry_after_ms("Fri, 31 Dec 9999 23:59:59 GMT", now), kDay);
  EXPECT_EQ(parse_retry_after_ms("Thu, 01 Jan 1970 00:00:00 GMT", now), 0);
  for (const char* garbage : {"-0", "-9223372036854775808", "1e30", "0x10", "\xff\xfe", "5 5"}) {
    EXPECT_EQ(parse_retry_after_ms(garbage, now), std::nullopt) << garbage;
  }
  // A date followed by a NUL and more is not a date (strptime alone would stop at the NUL).
  const std::string with_nul = std::string("Sun, 06 Nov 1994 08:49:47 GMT") + '\0' + "x";
  EXPECT_EQ(parse_retry_after_ms(with_nul, now), std::nullopt);
}

TEST(RetryDelay, RetryAfterIsAFloorNotACeiling) {
  EXPECT_EQ(retry_delay_ms(300, std::nullopt), 300);
  EXPECT_EQ(retry_delay_ms(300, 1'000), 1'000);
  EXPECT_EQ(retry_delay_ms(3'000, 1'000), 3'000);
  EXPECT_EQ(retry_delay_ms(0, 0), 0);
}

}  // namespace
}  // namespace oneall::engine
