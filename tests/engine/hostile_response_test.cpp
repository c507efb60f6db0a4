// The runner against answers a broken or hostile server gives (issue 7, "Hostile responses"):
// bodies that are huge, endless, cut short, not JSON, nested beyond reason, of the wrong shape
// or not UTF-8; Retry-After values that are negative, enormous, garbage, far dates or repeated;
// headers without end and answers a byte a second. The real runner sends through real libcurl
// to a raw-socket server on an ephemeral loopback port into a real queue file. For each row the
// run ends in bounded time and the attempt row says exactly what happened.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <optional>
#include <ostream>
#include <string>

#include "engine/runner.hpp"
#include "engine_test_helpers.hpp"
#include "support/hostile_http_server.hpp"
#include "util/text.hpp"

namespace oneall::engine {
namespace {

using namespace std::chrono_literals;
using oneall::testing::drip;
using oneall::testing::HostileBehaviour;
using oneall::testing::HostileHttpServer;
using oneall::testing::send_and_close;
using oneall::testing::send_endlessly;

constexpr std::int64_t kTimeoutMs = 1'500;  // per request, in this file
constexpr std::int64_t kRunBoundMs = 6'000;
constexpr std::size_t kBodyCap = 64 * 1024;
constexpr std::size_t kMiB = 1024 * 1024;
const std::string kReplacement = "\xEF\xBF\xBD";  // U+FFFD

std::string answer(int status, const std::string& body, const std::string& extra_headers = "") {
  return "HTTP/1.1 " + std::to_string(status) + " Hostile\r\nContent-Type: application/json\r\n" +
         "Content-Length: " + std::to_string(body.size()) + "\r\n" + extra_headers + "\r\n" + body;
}

std::string status_json(const std::string& status) {
  return R"({"response":{"request":{"status":)" + status + "}}}";
}

struct Expected {
  std::string outcome;
  std::string note;
  int http_status = 0;
  std::string curl_error;  // exact, or the start of it when curl_error_prefix
  bool curl_error_prefix = false;
  std::string api_flag;
  std::optional<int> api_code;
  std::string response_body;
  bool response_truncated = false;
  std::string retry_after;
};

struct HostileRow {
  std::string name;
  std::function<HostileBehaviour()> server;
  Expected expected;
};

std::ostream& operator<<(std::ostream& out, const HostileRow& row) { return out << row.name; }

class HostileResponseTest : public testing::RunnerFixture,
                            public ::testing::WithParamInterface<HostileRow> {
 protected:
  void SetUp() override {
    RunnerFixture::SetUp();
    options_.concurrency = 1;
    options_.max_attempts = 1;  // one attempt: its row is the whole story
    options_.timeout_ms = kTimeoutMs;
    options_.connect_timeout_ms = kTimeoutMs;
  }

  // Runs one delete against a server behaving as `behaviour`; the run's wall time in ms.
  std::int64_t run_against(const HostileBehaviour& behaviour) {
    HostileHttpServer server(behaviour);
    EXPECT_TRUE(server.listening());
    options_.api_root = server.base_url();
    import({testing::action_of(api::Op::kDelete, api::Target::kPinterestPin, "42")});
    const auto start = std::chrono::steady_clock::now();
    summary_ = run();
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 start)
        .count();
  }

  RunSummary summary_;
};

TEST_P(HostileResponseTest, EndsInBoundedTimeAndRecordsTheAttemptExactly) {
  const HostileRow& row = GetParam();
  const std::int64_t elapsed = run_against(row.server());
  EXPECT_LT(elapsed, kRunBoundMs);
  EXPECT_EQ(summary_.requests, 1);
  const auto attempts = rows();
  ASSERT_EQ(attempts.size(), 1u);
  const store::AttemptRow& a = attempts[0];
  const Expected& e = row.expected;
  EXPECT_EQ(a.outcome, e.outcome);
  EXPECT_EQ(a.note, e.note);
  EXPECT_EQ(a.http_status, e.http_status);
  if (e.curl_error_prefix) {
    EXPECT_TRUE(a.curl_error.starts_with(e.curl_error)) << a.curl_error;
  } else {
    EXPECT_EQ(a.curl_error, e.curl_error);
  }
  EXPECT_EQ(a.api_flag, e.api_flag);
  EXPECT_EQ(a.api_code, e.api_code);
  EXPECT_EQ(a.response_body.size(), e.response_body.size());
  EXPECT_TRUE(a.response_body == e.response_body) << a.response_body.substr(0, 200);
  EXPECT_EQ(a.response_truncated, e.response_truncated);
  EXPECT_EQ(a.retry_after, e.retry_after);
  // Whatever the server sent, what the audit holds exports as valid JSON and CSV.
  for (const std::string* text :
       {&a.curl_error, &a.retry_after, &a.api_flag, &a.api_info, &a.response_body}) {
    EXPECT_TRUE(is_valid_utf8(*text));
  }
}

const std::string kEndlessHeaderLine = "X-Flood: " + std::string(100, 'h') + "\r\n";
const std::string kHugeBodyKept(kBodyCap, 'x');

INSTANTIATE_TEST_SUITE_P(
    Table, HostileResponseTest,
    ::testing::Values(
        // Huge bodies: the first 64 KiB are kept, 1 MiB more is read and dropped, then the
        // transfer stops. The status line and headers were complete: the answer counts.
        HostileRow{"Body50MiBWithContentLength",
                   [] {
                     return send_endlessly("HTTP/1.1 200 OK\r\nContent-Length: " +
                                               std::to_string(50 * kMiB) + "\r\n\r\n",
                                           std::string(64 * 1024, 'x'), 50 * kMiB);
                   },
                   {"succeeded", "", 200,
                    "response body exceeds 1114112 bytes: kept the first 65536, transfer stopped",
                    false, "", std::nullopt, kHugeBodyKept, true, ""}},
        HostileRow{"EndlessChunkedBody",
                   [] {
                     return send_endlessly(
                         "HTTP/1.1 503 Busy\r\nTransfer-Encoding: chunked\r\n\r\n",
                         "1000\r\n" + std::string(0x1000, 'x') + "\r\n", 512 * kMiB);
                   },
                   {"dead", "http_503", 503,
                    "response body exceeds 1114112 bytes: kept the first 65536, transfer stopped",
                    false, "", std::nullopt, kHugeBodyKept, true, ""}},
        HostileRow{"BodyJustOverTheCapIsReadToItsEnd",
                   [] { return send_and_close(answer(200, std::string(100 * 1024, 'x'))); },
                   {"succeeded", "", 200, "", false, "", std::nullopt, kHugeBodyKept, true, ""}},
        // Content-Length promises more than comes before the server hangs up.
        HostileRow{"TruncatedBody",
                   [] {
                     return send_and_close(
                         "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n{\"response\":");
                   },
                   {"dead", "connection_lost", 200,
                    "Transferred a partial file: transfer closed with 988 bytes remaining to read",
                    false, "", std::nullopt, "{\"response\":", false, ""}},
        HostileRow{
            "NotJson",
            [] { return send_and_close(answer(200, "<html>oops</html>")); },
            {"succeeded", "", 200, "", false, "", std::nullopt, "<html>oops</html>", false, ""}},
        HostileRow{"NotJsonOn503",
                   [] { return send_and_close(answer(503, "Service Unavailable")); },
                   {"dead", "http_503", 503, "", false, "", std::nullopt, "Service Unavailable",
                    false, ""}},
        // 100,000 '[' are past the body cap; what is kept is not JSON.
        HostileRow{"DeeplyNested100kBrackets",
                   [] { return send_and_close(answer(200, std::string(100'000, '['))); },
                   {"succeeded", "", 200, "", false, "", std::nullopt, std::string(kBodyCap, '['),
                    true, ""}},
        // Nested deeper than the parser goes, inside the cap: the envelope's error flag is not
        // believed from a body the parser refused.
        HostileRow{"DeeplyNestedInsideAnErrorEnvelope",
                   [] {
                     return send_and_close(answer(
                         200, status_json(R"({"flag":"error","code":400},"x":)" +
                                          std::string(30'000, '[') + std::string(30'000, ']'))));
                   },
                   {"succeeded", "", 200, "", false, "", std::nullopt,
                    status_json(R"({"flag":"error","code":400},"x":)" + std::string(30'000, '[') +
                                std::string(30'000, ']')),
                    false, ""}},
        HostileRow{"FlagANumberCodeAString",
                   [] {
                     return send_and_close(
                         answer(200, status_json(R"({"flag":1,"code":"200","info":["x"]})")));
                   },
                   {"succeeded", "", 200, "", false, "", std::nullopt,
                    status_json(R"({"flag":1,"code":"200","info":["x"]})"), false, ""}},
        HostileRow{"ErrorFlagWithCodeOutOfRange",
                   [] {
                     return send_and_close(
                         answer(200, status_json(R"({"flag":"error","code":-7})")));
                   },
                   {"failed", "api_flag_error", 200, "", false, "error", std::nullopt,
                    status_json(R"({"flag":"error","code":-7})"), false, ""}},
        HostileRow{"StatusAString",
                   [] { return send_and_close(answer(200, status_json(R"("error")"))); },
                   {"succeeded", "", 200, "", false, "", std::nullopt, status_json(R"("error")"),
                    false, ""}},
        HostileRow{"MissingFields",
                   [] { return send_and_close(answer(500, R"({"response":{}})")); },
                   {"dead", "http_500", 500, "", false, "", std::nullopt, R"({"response":{}})",
                    false, ""}},
        // Stored with U+FFFD for each byte that is not UTF-8, so exports stay valid.
        HostileRow{"InvalidUtf8",
                   [] { return send_and_close(answer(200, "\xff\xfeok\xc3(\xed\xa0\x80")); },
                   {"succeeded", "", 200, "", false, "", std::nullopt,
                    kReplacement + kReplacement + "ok" + kReplacement + "(" + kReplacement +
                        kReplacement + kReplacement,
                    false, ""}},
        HostileRow{
            "InvalidUtf8InRetryAfter",
            [] { return send_and_close(answer(503, "", "Retry-After: 5\xff\r\n")); },
            {"dead", "http_503", 503, "", false, "", std::nullopt, "", false, "5" + kReplacement}},
        // Headers without end: stopped at 64 KiB; the answer never completed.
        HostileRow{
            "HeadersWithoutEnd",
            [] { return send_endlessly("HTTP/1.1 200 OK\r\n", kEndlessHeaderLine, 64 * kMiB); },
            {"dead", "connection_lost", 200,
             "response headers exceed 65536 bytes: transfer stopped", false, "", std::nullopt, "",
             false, ""}},
        HostileRow{"OneHeaderLineWithoutEnd",
                   [] {
                     return send_endlessly("HTTP/1.1 200 OK\r\nX-Flood: ", std::string(4096, 'h'),
                                           64 * kMiB);
                   },
                   {"dead", "connection_lost", 200,
                    "a response header line exceeds 102400 bytes: transfer stopped", false, "",
                    std::nullopt, "", false, ""}},
        HostileRow{
            "StatusLineWithoutEnd",
            [] { return send_endlessly("HTTP/1.1 200 ", std::string(4096, 's'), 64 * kMiB); },
            {"dead", "connection_lost", 0,
             "a response header line exceeds 102400 bytes: transfer stopped", false, "",
             std::nullopt, "", false, ""}},
        // Slowloris: a byte a second, so the per-request timeout ends it.
        HostileRow{"StatusLineAByteASecond",
                   [] { return drip(answer(200, "{}"), 1000ms); },
                   {"dead", "timeout", 0, "Timeout was reached: Operation timed out after", true,
                    "", std::nullopt, "", false, ""}},
        HostileRow{"HeadersAByteASecond",
                   [] {
                     return HostileBehaviour([](oneall::testing::HostileConnection& c) {
                       if (c.send("HTTP/1.1 200 OK\r\n")) drip("X-Slow: 1\r\n\r\n{}", 1000ms)(c);
                     });
                   },
                   {"dead", "timeout", 200, "Timeout was reached: Operation timed out after", true,
                    "", std::nullopt, "", false, ""}}),
    [](const ::testing::TestParamInfo<HostileRow>& info) { return info.param.name; });

// Retry-After from a hostile server: the attempt row keeps the text as received; the wait it
// imposes is read from the queue's time of the next attempt. The backoff is 0 here, so the
// wait is Retry-After's alone; a run deadline ends the runs that would wait.
struct RetryAfterRow {
  std::string name;
  std::string headers;                  // the Retry-After header line(s)
  std::string recorded;                 // the attempt row's retry_after
  std::string note;                     // the first attempt's
  std::optional<std::int64_t> wait_ms;  // the wait imposed; nullopt: none (retried at once)
};

std::ostream& operator<<(std::ostream& out, const RetryAfterRow& row) { return out << row.name; }

constexpr std::int64_t kOneDayMs = 24LL * 3600 * 1000;

class HostileRetryAfterTest : public testing::RunnerFixture,
                              public ::testing::WithParamInterface<RetryAfterRow> {};

TEST_P(HostileRetryAfterTest, IsIgnoredOrClampedAndRecordedAsReceived) {
  const RetryAfterRow& row = GetParam();
  HostileHttpServer server(send_and_close(answer(503, "", row.headers)));
  ASSERT_TRUE(server.listening());
  options_.api_root = server.base_url();
  options_.concurrency = 1;
  options_.max_attempts = 2;
  options_.retry_base_ms = 0;  // no backoff: any wait is Retry-After's
  options_.timeout_ms = kTimeoutMs;
  options_.deadline = clock_.now_ms() + 500;
  import({testing::action_of(api::Op::kDelete, api::Target::kPinterestPin, "42")});
  const auto start = std::chrono::steady_clock::now();
  const RunSummary summary = run();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(kRunBoundMs));

  const auto attempts = rows();
  ASSERT_FALSE(attempts.empty());
  EXPECT_EQ(attempts[0].retry_after, row.recorded);
  EXPECT_EQ(attempts[0].outcome, "retry");
  EXPECT_EQ(attempts[0].note, row.note);
  if (row.wait_ms) {
    EXPECT_EQ(summary.stop_cause, StopCause::kDeadline);
    ASSERT_EQ(attempts.size(), 1u);
    auto next = queue_->next_pending_at();
    ASSERT_TRUE(next.ok()) << next.error().message;
    ASSERT_TRUE(next->has_value());
    EXPECT_EQ(**next - attempts[0].ended_at, *row.wait_ms);
  } else {
    EXPECT_EQ(summary.stop_cause, StopCause::kNone);
    ASSERT_EQ(attempts.size(), 2u);
    EXPECT_EQ(attempts[1].outcome, "dead");
    EXPECT_EQ(count(store::JobState::kDead), 1);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, HostileRetryAfterTest,
    ::testing::Values(
        RetryAfterRow{"Negative", "Retry-After: -5\r\n", "-5", "http_503", std::nullopt},
        RetryAfterRow{"Exponent", "Retry-After: 1e30\r\n", "1e30", "http_503", std::nullopt},
        RetryAfterRow{"Garbage", "Retry-After: soon, maybe\r\n", "soon, maybe", "http_503",
                      std::nullopt},
        RetryAfterRow{"Empty", "Retry-After:\r\n", "", "http_503", std::nullopt},
        // libcurl refuses a header holding a NUL byte: the answer is as good as cut off.
        RetryAfterRow{"NulByte", "Retry-After: 5" + std::string(1, '\0') + "0\r\n", "",
                      "connection_lost", std::nullopt},
        RetryAfterRow{"TwoToThe63", "Retry-After: 9223372036854775808\r\n", "9223372036854775808",
                      "http_503", kOneDayMs},
        // Kept to 128 bytes in the audit; as a number, still more than a day.
        RetryAfterRow{"Huge", "Retry-After: " + std::string(200, '9') + "\r\n",
                      std::string(128, '9'), "http_503", kOneDayMs},
        RetryAfterRow{"DateFarInThePast", "Retry-After: Thu, 01 Jan 1970 00:00:00 GMT\r\n",
                      "Thu, 01 Jan 1970 00:00:00 GMT", "http_503", std::nullopt},
        RetryAfterRow{"DateFarInTheFuture", "Retry-After: Fri, 31 Dec 9999 23:59:59 GMT\r\n",
                      "Fri, 31 Dec 9999 23:59:59 GMT", "http_503", kOneDayMs},
        // Several: the last one counts (and is the one recorded).
        RetryAfterRow{"Several", "Retry-After: 100\r\nRetry-After: 2\r\n", "2", "http_503", 2'000}),
    [](const ::testing::TestParamInfo<RetryAfterRow>& info) { return info.param.name; });

}  // namespace
}  // namespace oneall::engine
