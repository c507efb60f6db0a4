// The sandbox over real HTTP on an ephemeral loopback port.
#include "sandbox/sandbox_server.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>

#include "support/http_client.hpp"
#include "support/sandbox_fixture.hpp"

namespace oneall::sandbox {
namespace {

using oneall::testing::BasicAuth;
using oneall::testing::http_request;
using oneall::testing::HttpReply;

const std::string kBase = "/update/identities/2af20011-8965-471b-8f6b-8b66a611aae6";
const std::string kPinBody = R"({"request":{"update":{"pin":{"link":"https://new.example/"}}}})";

class SandboxServerTest : public oneall::testing::SandboxFixture {
 protected:
  HttpReply call(const std::string& method, const std::string& path, const std::string& body = "",
                 bool good_credentials = true) {
    const auto credentials = api::sandbox_credentials();
    const BasicAuth auth = good_credentials
                               ? BasicAuth{credentials.public_key, credentials.private_key}
                               : BasicAuth{credentials.public_key, "wrong"};
    return http_request(method, base_url() + path, body, auth);
  }

  // response.request.status of an answer, as "flag code".
  static std::string status_of(const HttpReply& reply) {
    simdjson::dom::parser parser;
    simdjson::dom::element status;
    if (parser.parse(reply.body)["response"]["request"]["status"].get(status) !=
        simdjson::SUCCESS) {
      return "not an envelope: " + reply.body;
    }
    return std::string(status["flag"].get_string().value()) + " " +
           std::to_string(status["code"].get_int64().value());
  }
};

TEST_F(SandboxServerTest, ServesEveryResourceWithItsAllowedMethods) {
  struct Case {
    std::string method, path, body;
    long status;
  };
  const std::string post_body = R"({"request":{"update":{"post":{"message":"Hello"}}}})";
  const Case cases[] = {
      {"PUT", kBase + "/facebook/page/12/post/12_34.json", post_body, 200},
      {"DELETE", kBase + "/facebook/page/12/post/12_34.json", "", 200},
      {"DELETE", kBase + "/facebook/page/12/picture/5.json", "", 200},
      {"PUT", kBase + "/facebook/page/12/picture/6.json", post_body, 405},
      {"DELETE", kBase + "/facebook/page/12/video/7.json", "", 200},
      {"PUT", kBase + "/pinterest/pin/1.json", kPinBody, 200},
      {"DELETE", kBase + "/pinterest/pin/1.json", "", 200},
      {"DELETE", kBase + "/twitter/post/9.json", "", 200},
      {"PUT", kBase + "/twitter/post/10.json", post_body, 405},
      {"GET", kBase + "/twitter/post/11.json", "", 405},
      {"DELETE", kBase + "/twitter/other/11.json", "", 404},
      {"DELETE", "/update/identities/not-a-uuid/twitter/post/1.json", "", 400},
      {"PUT", kBase + "/pinterest/pin/2.json", "{not json", 400},
  };
  for (const auto& c : cases) {
    const HttpReply reply = call(c.method, c.path, c.body);
    EXPECT_EQ(reply.status, c.status) << c.method << " " << c.path << ": " << reply.body;
    const std::string expected =
        (c.status == 200 ? "success " : "error ") + std::to_string(c.status);
    EXPECT_EQ(status_of(reply), expected) << c.method << " " << c.path;
  }
  EXPECT_EQ(stats().requests, std::size(cases));
  EXPECT_EQ(stats().applied, 7u);
  EXPECT_EQ(stats().repeated, 0u);
}

TEST_F(SandboxServerTest, SuccessCarriesTheResourceAndData) {
  const HttpReply reply = call("PUT", kBase + "/pinterest/pin/352969689546669253.json", kPinBody);
  ASSERT_EQ(reply.status, 200);
  simdjson::dom::parser parser;
  simdjson::dom::element response = parser.parse(reply.body)["response"];
  EXPECT_EQ(response["request"]["resource"].get_string().value(),
            kBase + "/pinterest/pin/352969689546669253.json");
  EXPECT_EQ(response["result"]["data"]["pin_id"].get_string().value(), "352969689546669253");
  EXPECT_EQ(response["result"]["data"]["provider"].get_string().value(), "pinterest");
  EXPECT_NE(reply.headers.find("application/json"), std::string::npos);
}

TEST_F(SandboxServerTest, WrongOrMissingCredentialsGet401) {
  EXPECT_EQ(call("DELETE", kBase + "/twitter/post/1.json", "", false).status, 401);
  EXPECT_EQ(http_request("DELETE", base_url() + kBase + "/twitter/post/1.json").status, 401);
  EXPECT_EQ(call("GET", "/tools/ping.json", "", false).status, 401);
  EXPECT_EQ(stats().unauthorized, 3u);
  EXPECT_EQ(stats().applied, 0u);
}

TEST_F(SandboxServerTest, PingRootAndStatsAnswer) {
  EXPECT_EQ(call("GET", "/tools/ping.json").status, 200);
  EXPECT_EQ(http_request("GET", base_url() + "/").status, 200);
  call("DELETE", kBase + "/twitter/post/1.json");
  call("DELETE", kBase + "/twitter/post/1.json");
  const HttpReply reply = http_request("GET", base_url() + "/sandbox/stats");
  ASSERT_EQ(reply.status, 200);
  simdjson::dom::parser parser;
  simdjson::dom::element stats_json = parser.parse(reply.body);
  EXPECT_EQ(stats_json["applied"].get_uint64().value(), 1u);
  EXPECT_EQ(stats_json["repeated"].get_uint64().value(), 1u);
  EXPECT_EQ(stats_json["requests"].get_uint64().value(), 5u);  // this request included
}

TEST_F(SandboxServerTest, SecondDeleteIsA404AndCountedAsRepeated) {
  EXPECT_EQ(call("DELETE", kBase + "/pinterest/pin/5.json").status, 200);
  EXPECT_EQ(call("DELETE", kBase + "/pinterest/pin/5.json").status, 404);
  EXPECT_EQ(call("PUT", kBase + "/pinterest/pin/5.json", kPinBody).status, 404);
  EXPECT_EQ(stats().repeated, 1u);
  EXPECT_EQ(stats().applied, 1u);
}

TEST_F(SandboxServerTest, MissingObjectsAre404) {
  SandboxOptions options;
  options.missing_objects = {"404me"};
  restart_sandbox(options);
  EXPECT_EQ(call("DELETE", kBase + "/twitter/post/404me.json").status, 404);
  EXPECT_EQ(call("DELETE", kBase + "/twitter/post/other.json").status, 200);
}

TEST_F(SandboxServerTest, LatencyIsAddedToEachAnswer) {
  SandboxOptions options;
  options.latency_ms = 100;
  restart_sandbox(options);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(call("DELETE", kBase + "/twitter/post/1.json").status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(100));
}

TEST(SandboxServer, RefusesANonLoopbackHost) {
  SandboxOptions options;
  options.host = "0.0.0.0";
  SandboxServer server(options);
  auto started = server.start();
  ASSERT_FALSE(started.ok());
  EXPECT_NE(started.error().message.find("loopback"), std::string::npos);
}

TEST(SandboxServer, StopsAndReleasesItsPort) {
  int port = 0;
  {
    SandboxServer server({});
    auto started = server.start();
    ASSERT_TRUE(started.ok());
    port = *started;
    EXPECT_EQ(http_request("GET", server.base_url() + "/").status, 200);
    server.stop();
    server.stop();  // idempotent
    server.wait();  // returns at once once stopped
  }
  SandboxOptions same_port;
  same_port.port = port;
  SandboxServer again(same_port);
  EXPECT_TRUE(again.start().ok());
}

}  // namespace
}  // namespace oneall::sandbox
