// The sandbox's fault injection over real HTTP on an ephemeral loopback port: injected errors,
// throttling with Retry-After, dropped connections, seeds, and the receive times. Fractions
// are checked over hundreds of requests with a fixed seed and generous margins; the throttle
// tests bound what passes by the time the test actually took, so a slow machine cannot fail
// them.
#include <curl/curl.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <future>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "sandbox/sandbox_server.hpp"
#include "support/http_client.hpp"
#include "support/sandbox_fixture.hpp"

namespace oneall::sandbox {
namespace {

using oneall::testing::BasicAuth;
using oneall::testing::http_request;
using oneall::testing::HttpReply;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

const std::string kBase = "/update/identities/2af20011-8965-471b-8f6b-8b66a611aae6";

std::string tweet(int id) { return kBase + "/twitter/post/" + std::to_string(id) + ".json"; }

// response.request.status of an answer, as "flag code", or what is wrong with the body.
std::string status_of(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element status;
  if (parser.parse(body)["response"]["request"]["status"].get(status) != simdjson::SUCCESS) {
    return "not an envelope: " + body;
  }
  return std::string(status["flag"].get_string().value()) + " " +
         std::to_string(status["code"].get_int64().value());
}

// The value of one header in a raw header block ("" when absent).
std::string header_value(const std::string& headers, const std::string& name) {
  const std::string key = "\r\n" + name + ": ";
  const std::size_t at = headers.find(key);
  if (at == std::string::npos) return "";
  const std::size_t start = at + key.size();
  return headers.substr(start, headers.find("\r\n", start) - start);
}

// A connection dropped without an answer, as curl reports it: end of file before any byte
// (CURLE_GOT_NOTHING) or, should the close race the client's read, a reset (CURLE_RECV_ERROR).
bool is_dropped(const HttpReply& reply) {
  return reply.status == 0 && (reply.error == curl_easy_strerror(CURLE_GOT_NOTHING) ||
                               reply.error == curl_easy_strerror(CURLE_RECV_ERROR));
}

class SandboxFaultsTest : public oneall::testing::SandboxFixture {
 protected:
  HttpReply call(const std::string& method, const std::string& path) {
    const auto credentials = api::sandbox_credentials();
    return http_request(method, base_url() + path, "",
                        BasicAuth{credentials.public_key, credentials.private_key});
  }
  HttpReply remove(int id) { return call("DELETE", tweet(id)); }
};

TEST_F(SandboxFaultsTest, ErrorRateAnswersThatFractionWith500Or503AndAppliesNothing) {
  SandboxOptions options;
  options.error_rate = 0.3;
  options.seed = 42;
  restart_sandbox(options);
  constexpr int kObjects = 300;
  std::map<long, int> statuses;
  int attempts = 0;
  for (int id = 0; id < kObjects; ++id) {
    // Until it goes through: an injected error must have left the object as it was, so the
    // first success is the delete itself (200), never "already deleted" (404).
    for (int attempt = 0;; ++attempt) {
      ASSERT_LT(attempt, 50) << "object " << id << " never went through";
      const HttpReply reply = remove(id);
      ++attempts;
      ++statuses[reply.status];
      if (reply.status == 500 || reply.status == 503) {
        ASSERT_EQ(status_of(reply.body), "error " + std::to_string(reply.status));
        continue;
      }
      ASSERT_EQ(reply.status, 200) << "object " << id << ": " << reply.body;
      break;
    }
  }
  const int errors = statuses[500] + statuses[503];
  EXPECT_NEAR(static_cast<double>(errors) / attempts, 0.3, 0.07) << errors << "/" << attempts;
  EXPECT_GT(statuses[500], errors / 4);
  EXPECT_GT(statuses[503], errors / 4);
  EXPECT_EQ(statuses[200], kObjects);
  EXPECT_EQ(stats().errors_injected, static_cast<std::uint64_t>(errors));
  EXPECT_EQ(stats().applied, static_cast<std::uint64_t>(kObjects));
  EXPECT_EQ(stats().repeated, 0u);
  EXPECT_EQ(stats().requests, static_cast<std::uint64_t>(attempts));
}

TEST_F(SandboxFaultsTest, TheSameSeedGivesTheSameFaultsToTheSameRequests) {
  const auto statuses_with = [this](std::uint64_t seed) {
    SandboxOptions options;
    options.error_rate = 0.3;
    options.reset_rate = 0.1;
    options.seed = seed;
    restart_sandbox(options);
    EXPECT_EQ(sandbox().seed(), seed);
    std::vector<long> statuses;
    for (int id = 0; id < 60; ++id) statuses.push_back(remove(id).status);
    return statuses;
  };
  const std::vector<long> first = statuses_with(11);
  EXPECT_EQ(statuses_with(11), first);
  EXPECT_NE(statuses_with(12), first);
}

TEST_F(SandboxFaultsTest, AboveTheThrottleRequestsGet429WithRetryAfterAndAreNotApplied) {
  SandboxOptions options;
  options.throttle_rps = 5;
  restart_sandbox(options);
  constexpr int kRequests = 40;
  std::vector<int> refused;
  const auto start = steady_clock::now();
  for (int id = 0; id < kRequests; ++id) {
    const HttpReply reply = remove(id);
    if (reply.status == 200) continue;
    ASSERT_EQ(reply.status, 429) << reply.body;
    EXPECT_EQ(status_of(reply.body), "error 429");
    const std::string retry_after = header_value(reply.headers, "Retry-After");
    ASSERT_FALSE(retry_after.empty()) << reply.headers;
    EXPECT_GE(std::stoi(retry_after), 1) << retry_after;
    refused.push_back(id);
  }
  const double seconds = std::chrono::duration<double>(steady_clock::now() - start).count();
  const int passed = kRequests - static_cast<int>(refused.size());
  // The burst, and no more than the rate over the time the requests took (plus rounding).
  EXPECT_GE(passed, 5);
  EXPECT_LE(passed, 5 + static_cast<int>(seconds * 5) + 1) << "in " << seconds << " s";
  EXPECT_EQ(stats().throttled, refused.size());
  EXPECT_EQ(stats().applied, static_cast<std::uint64_t>(passed));
  EXPECT_EQ(sandbox().received().since_start.size(), static_cast<std::size_t>(kRequests));

  // Once the client waits, the refused objects are deleted for the first time: 200, not 404.
  ASSERT_FALSE(refused.empty());
  std::this_thread::sleep_for(milliseconds(1200));  // the bucket refills to its burst of 5
  for (std::size_t i = 0; i < std::min<std::size_t>(3, refused.size()); ++i) {
    EXPECT_EQ(remove(refused[i]).status, 200) << "object " << refused[i];
  }
  EXPECT_EQ(stats().repeated, 0u);
}

TEST_F(SandboxFaultsTest, AClientBelowTheThrottleIsNeverRefused) {
  SandboxOptions options;
  options.throttle_rps = 20;
  options.throttle_burst = 1;
  restart_sandbox(options);
  // At most 10 requests/s: each one starts at least 100 ms after the one before.
  for (int id = 0; id < 12; ++id) {
    EXPECT_EQ(remove(id).status, 200) << "request " << id;
    std::this_thread::sleep_for(milliseconds(100));
  }
  EXPECT_EQ(stats().throttled, 0u);
  EXPECT_EQ(stats().applied, 12u);
}

TEST_F(SandboxFaultsTest, ResetsAreConnectionsClosedWithoutAnAnswerAndCounted) {
  SandboxOptions options;
  options.reset_rate = 0.3;
  options.seed = 5;
  restart_sandbox(options);
  constexpr int kRequests = 300;
  int dropped = 0, answered = 0;
  for (int id = 0; id < kRequests; ++id) {
    const HttpReply reply = remove(id);
    if (is_dropped(reply)) {
      ++dropped;
    } else {
      ASSERT_EQ(reply.status, 200) << reply.error << reply.body;
      ++answered;
    }
  }
  EXPECT_NEAR(static_cast<double>(dropped) / kRequests, 0.3, 0.08) << dropped;
  const SandboxStats s = stats();
  EXPECT_EQ(s.resets, static_cast<std::uint64_t>(dropped));
  EXPECT_EQ(s.requests, static_cast<std::uint64_t>(kRequests));
  // Some dropped requests changed the object before their answer was lost, some did not.
  EXPECT_GT(s.resets_after_apply, s.resets / 5);
  EXPECT_LT(s.resets_after_apply, s.resets - s.resets / 5);
  EXPECT_EQ(s.applied, static_cast<std::uint64_t>(answered) + s.resets_after_apply);
  // The server is unharmed: it goes on answering (the stats above came over HTTP too).
  EXPECT_EQ(http_request("GET", base_url() + "/").status, 200);
}

TEST_F(SandboxFaultsTest, AResetAfterApplyingLeavesTheChangeMade) {
  SandboxOptions options;
  options.reset_rate = 1;
  options.seed = 8;
  restart_sandbox(options);
  // Each object deleted twice: a first delete that was applied before its drop makes a later
  // one a repeat, so applied + repeated counts exactly the drops that came after applying.
  for (int round = 0; round < 2; ++round) {
    for (int id = 0; id < 40; ++id) {
      const HttpReply reply = remove(id);
      EXPECT_TRUE(is_dropped(reply)) << reply.status << " " << reply.error;
    }
  }
  const SandboxStats s = stats();
  EXPECT_EQ(s.resets, 80u);
  EXPECT_GT(s.resets_after_apply, 0u);
  EXPECT_LT(s.resets_after_apply, 80u);
  EXPECT_EQ(s.applied + s.repeated, s.resets_after_apply);
  EXPECT_GT(s.repeated, 0u);  // some object had both its deletes applied, with both answers lost
  EXPECT_LE(s.applied, 40u);
}

TEST_F(SandboxFaultsTest, FaultsLeaveCredentialsPingAndTheSandboxPagesAlone) {
  SandboxOptions options;
  options.error_rate = 1;
  options.seed = 1;
  restart_sandbox(options);
  EXPECT_EQ(http_request("DELETE", base_url() + tweet(1), "", BasicAuth{"x", "y"}).status, 401);
  const HttpReply error = remove(1);
  EXPECT_TRUE(error.status == 500 || error.status == 503) << error.status;
  EXPECT_EQ(call("GET", "/tools/ping.json").status, 200);
  EXPECT_EQ(http_request("GET", base_url() + "/").status, 200);
  const HttpReply stats_reply = http_request("GET", base_url() + "/sandbox/stats");
  ASSERT_EQ(stats_reply.status, 200);
  simdjson::dom::parser parser;
  simdjson::dom::element json;
  ASSERT_EQ(parser.parse(stats_reply.body).get(json), simdjson::SUCCESS) << stats_reply.body;
  const std::pair<const char*, std::uint64_t> expected[] = {
      {"errors_injected", 1}, {"throttled", 0}, {"resets", 0}, {"resets_after_apply", 0},
      {"unauthorized", 1},    {"applied", 0},   {"seed", 1},
  };
  for (const auto& [key, value] : expected) {
    EXPECT_EQ(json[key].get_uint64().value(), value) << key << " in " << stats_reply.body;
  }
}

TEST_F(SandboxFaultsTest, ReceiveTimesAreRecordedForApiRequestsOnly) {
  const auto start = steady_clock::now();
  constexpr int kRequests = 5;
  for (int id = 0; id < kRequests; ++id) {
    remove(id);
    std::this_thread::sleep_for(milliseconds(50));
  }
  call("GET", "/tools/ping.json");
  http_request("GET", base_url() + "/sandbox/stats");
  const auto elapsed =
      std::chrono::duration_cast<std::chrono::microseconds>(steady_clock::now() - start);

  const ReceiveTimes times = sandbox().received();
  ASSERT_EQ(times.since_start.size(), static_cast<std::size_t>(kRequests));
  EXPECT_EQ(times.forgotten, 0u);
  for (std::size_t i = 1; i < times.since_start.size(); ++i) {
    // Each request left the client at least 50 ms after the one before was answered.
    EXPECT_GE(times.since_start[i] - times.since_start[i - 1], milliseconds(50)) << i;
  }
  EXPECT_LE(times.since_start.back(), elapsed + milliseconds(1000));  // since the fixture started

  const HttpReply reply = http_request("GET", base_url() + "/sandbox/received");
  ASSERT_EQ(reply.status, 200);
  EXPECT_NE(reply.headers.find("application/json"), std::string::npos);
  simdjson::dom::parser parser;
  simdjson::dom::element json;
  ASSERT_EQ(parser.parse(reply.body).get(json), simdjson::SUCCESS) << reply.body;
  EXPECT_EQ(json["forgotten"].get_uint64().value(), 0u);
  std::vector<std::int64_t> listed;
  simdjson::dom::array received_us;
  ASSERT_EQ(json["received_us"].get(received_us), simdjson::SUCCESS) << reply.body;
  for (simdjson::dom::element t : received_us) {
    listed.push_back(t.get_int64().value());
  }
  ASSERT_EQ(listed.size(), times.since_start.size()) << reply.body;
  for (std::size_t i = 0; i < listed.size(); ++i)
    EXPECT_EQ(listed[i], times.since_start[i].count());
  const auto now_ms =
      std::chrono::duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  EXPECT_NEAR(static_cast<double>(json["started_unix_ms"].get_int64().value()),
              static_cast<double>(now_ms), 60'000);
}

TEST_F(SandboxFaultsTest, CountsAddUpWhenManyClientsMeetFaultsAtOnce) {
  SandboxOptions options;
  options.error_rate = 0.2;
  options.reset_rate = 0.1;
  options.seed = 21;
  restart_sandbox(options);
  constexpr int kClients = 8, kPerClient = 60;
  struct Tally {
    int ok = 0, errors = 0, dropped = 0, other = 0;
  };
  std::vector<std::future<Tally>> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.push_back(std::async(std::launch::async, [this, c] {
      Tally tally;
      for (int i = 0; i < kPerClient; ++i) {
        const HttpReply reply = remove(c * kPerClient + i);
        if (reply.status == 200) {
          ++tally.ok;
        } else if (reply.status == 500 || reply.status == 503) {
          ++tally.errors;
        } else if (is_dropped(reply)) {
          ++tally.dropped;
        } else {
          ++tally.other;
        }
      }
      return tally;
    }));
  }
  Tally total;
  for (auto& client : clients) {
    const Tally t = client.get();
    total.ok += t.ok;
    total.errors += t.errors;
    total.dropped += t.dropped;
    total.other += t.other;
  }
  const SandboxStats s = stats();
  EXPECT_EQ(total.other, 0);
  EXPECT_EQ(s.requests, static_cast<std::uint64_t>(kClients * kPerClient));
  EXPECT_EQ(s.errors_injected, static_cast<std::uint64_t>(total.errors));
  EXPECT_EQ(s.resets, static_cast<std::uint64_t>(total.dropped));
  EXPECT_EQ(s.applied, static_cast<std::uint64_t>(total.ok) + s.resets_after_apply);
  EXPECT_EQ(sandbox().received().since_start.size(),
            static_cast<std::size_t>(kClients * kPerClient));
  EXPECT_GT(total.errors, 0);
  EXPECT_GT(total.dropped, 0);
}

TEST(SandboxFaults, RatesOutOfRangeStopTheStart) {
  SandboxOptions options;
  options.error_rate = 1.5;
  SandboxServer server(options);
  const Result<int> started = server.start();
  ASSERT_FALSE(started.ok());
  EXPECT_NE(started.error().message.find("--error-rate"), std::string::npos)
      << started.error().message;
}

}  // namespace
}  // namespace oneall::sandbox
