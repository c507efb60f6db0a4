// The sandbox over real HTTP on an ephemeral loopback port: routes and methods, credentials,
// bodies, counters, latency, concurrency, and its lifecycle (start, stop, wait, restart).
#include "sandbox/sandbox_server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <simdjson.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <optional>
#include <regex>
#include <thread>
#include <vector>

#include "support/http_client.hpp"
#include "support/sandbox_fixture.hpp"
#include "support/sanitizers.hpp"

namespace oneall::sandbox {
namespace {

using oneall::testing::BasicAuth;
using oneall::testing::http_request;
using oneall::testing::HttpReply;
using oneall::testing::kThreadSanitizer;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

const std::string kBase = "/update/identities/2af20011-8965-471b-8f6b-8b66a611aae6";
const std::string kPinBody = R"({"request":{"update":{"pin":{"link":"https://new.example/"}}}})";
const std::string kPostBody = R"({"request":{"update":{"post":{"message":"Hello"}}}})";

BasicAuth good_auth() {
  const auto credentials = api::sandbox_credentials();
  return {credentials.public_key, credentials.private_key};
}

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

struct RawReply {
  int status = 0;
  std::string head, body;
};

// One request written byte for byte on a fresh connection (curl would normalise or encode
// some of what these tests must send), read until the server closes it.
RawReply send_raw(int port, const std::string& request) {
  struct Fd {
    int fd;
    ~Fd() { ::close(fd); }
  } socket{::socket(AF_INET, SOCK_STREAM, 0)};
  EXPECT_GE(socket.fd, 0);
  const timeval timeout{5, 0};
  setsockopt(socket.fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt(socket.fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(socket.fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    ADD_FAILURE() << "cannot connect to port " << port;
    return {};
  }
  std::size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = ::send(socket.fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may answer (413) and close before reading it all
    sent += static_cast<std::size_t>(n);
  }
  std::string answer;
  char buffer[4096];
  for (int reads = 0; reads < 1000; ++reads) {
    const ssize_t n = ::recv(socket.fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    answer.append(buffer, static_cast<std::size_t>(n));
  }
  RawReply reply;
  const std::size_t end_of_head = answer.find("\r\n\r\n");
  if (answer.size() < 12 || end_of_head == std::string::npos) {
    ADD_FAILURE() << "no HTTP answer: " << answer;
    return reply;
  }
  reply.status = std::stoi(answer.substr(9, 3));
  reply.head = answer.substr(0, end_of_head);
  reply.body = answer.substr(end_of_head + 4);
  return reply;
}

class SandboxServerTest : public oneall::testing::SandboxFixture {
 protected:
  HttpReply call(const std::string& method, const std::string& path, const std::string& body = "") {
    return http_request(method, base_url() + path, body, good_auth());
  }

  RawReply raw(const std::string& method, const std::string& path,
               const std::string& extra_headers = "", const std::string& body = "") {
    return send_raw(port(), method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                                "Connection: close\r\n" + extra_headers + "Content-Length: " +
                                std::to_string(body.size()) + "\r\n\r\n" + body);
  }
};

// "Authorization: Basic <base64>" for the sandbox's own keys, written out so the test does not
// depend on the encoder it checks.
const std::string kGoodAuthorization =
    "Authorization: Basic c2FuZGJveC1wdWJsaWMta2V5OnNhbmRib3gtcHJpdmF0ZS1rZXk=\r\n";

TEST_F(SandboxServerTest, ServesEveryResourceWithItsAllowedMethods) {
  struct Case {
    std::string method, path, body;
    long status;
  };
  const Case cases[] = {
      {"PUT", kBase + "/facebook/page/12/post/12_34.json", kPostBody, 200},
      {"DELETE", kBase + "/facebook/page/12/post/12_34.json", "", 200},
      {"DELETE", kBase + "/facebook/page/12/picture/5.json", "", 200},
      {"PUT", kBase + "/facebook/page/12/picture/6.json", kPostBody, 405},
      {"DELETE", kBase + "/facebook/page/12/video/7.json", "", 200},
      {"PUT", kBase + "/facebook/page/12/video/8.json", kPostBody, 405},
      {"PUT", kBase + "/pinterest/pin/1.json", kPinBody, 200},
      {"DELETE", kBase + "/pinterest/pin/1.json", "", 200},
      {"DELETE", kBase + "/twitter/post/9.json", "", 200},
      {"PUT", kBase + "/twitter/post/10.json", kPostBody, 405},
      {"GET", kBase + "/twitter/post/11.json", "", 405},
      {"POST", kBase + "/pinterest/pin/12.json", kPinBody, 405},
      {"PATCH", kBase + "/pinterest/pin/12.json", kPinBody, 405},
      {"OPTIONS", kBase + "/pinterest/pin/12.json", "", 405},
  };
  for (const auto& c : cases) {
    const HttpReply reply = call(c.method, c.path, c.body);
    EXPECT_EQ(reply.status, c.status) << c.method << " " << c.path << ": " << reply.body;
    const std::string expected =
        (c.status == 200 ? "success " : "error ") + std::to_string(c.status);
    EXPECT_EQ(status_of(reply.body), expected) << c.method << " " << c.path;
    EXPECT_NE(reply.headers.find("Content-Type: application/json"), std::string::npos)
        << c.method << " " << c.path;
  }
  EXPECT_EQ(stats().requests, std::size(cases));
  EXPECT_EQ(stats().applied, 7u);
  EXPECT_EQ(stats().repeated, 0u);
  EXPECT_EQ(stats().bad_requests, 7u);  // the 405s
}

TEST_F(SandboxServerTest, A405SaysWhichMethodsAreAllowed) {
  const HttpReply pin = call("GET", kBase + "/pinterest/pin/1.json");
  EXPECT_EQ(pin.status, 405);
  EXPECT_NE(pin.headers.find("Allow: PUT, DELETE"), std::string::npos) << pin.headers;
  const HttpReply tweet = call("PUT", kBase + "/twitter/post/1.json", kPostBody);
  EXPECT_EQ(tweet.status, 405);
  EXPECT_NE(tweet.headers.find("Allow: DELETE\r\n"), std::string::npos) << tweet.headers;
  EXPECT_EQ(stats().applied, 0u);
}

TEST_F(SandboxServerTest, SuccessCarriesTheDocumentedEnvelopeAndData) {
  const std::string path = kBase + "/pinterest/pin/352969689546669253.json";
  const HttpReply reply = call("PUT", path, kPinBody);
  ASSERT_EQ(reply.status, 200) << reply.body;
  simdjson::dom::parser parser;
  simdjson::dom::element response = parser.parse(reply.body)["response"];
  EXPECT_EQ(response["request"]["resource"].get_string().value(), path);
  EXPECT_EQ(response["request"]["status"]["info"].get_string().value(),
            "Your request has been processed successfully");
  const std::string date(response["request"]["date"].get_string().value());
  EXPECT_TRUE(std::regex_match(
      date, std::regex(R"([A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d [+-]\d{4})")))
      << date;
  simdjson::dom::element data = response["result"]["data"];
  EXPECT_EQ(data["provider"].get_string().value(), "pinterest");
  EXPECT_EQ(data["object"].get_string().value(), "pin");
  EXPECT_EQ(data["pin_id"].get_string().value(), "352969689546669253");
  EXPECT_EQ(data["pin_link"].get_string().value(), "https://new.example/");
}

TEST_F(SandboxServerTest, WrongOrMissingCredentialsGet401) {
  const auto credentials = api::sandbox_credentials();
  const std::string path = kBase + "/twitter/post/1.json";
  const std::optional<BasicAuth> refused[] = {
      BasicAuth{credentials.public_key, "wrong"},
      BasicAuth{"wrong", credentials.private_key},
      BasicAuth{credentials.private_key, credentials.public_key},
      BasicAuth{"", ""},
      std::nullopt,
  };
  for (const auto& auth : refused) {
    const HttpReply reply = http_request("DELETE", base_url() + path, "", auth);
    EXPECT_EQ(reply.status, 401) << (auth ? auth->user : "no auth");
    EXPECT_EQ(status_of(reply.body), "error 401");
    EXPECT_EQ(reply.body.find("result"), std::string::npos);
  }
  EXPECT_EQ(raw("DELETE", path, "Authorization: Bearer sandbox-private-key\r\n").status, 401);
  EXPECT_EQ(raw("DELETE", path, "Authorization: Basic !!!\r\n").status, 401);
  EXPECT_EQ(stats().unauthorized, std::size(refused) + 2);
  EXPECT_EQ(stats().applied, 0u);
  // The same object with good credentials: nothing above touched it.
  EXPECT_EQ(call("DELETE", path).status, 200);
  EXPECT_EQ(raw("DELETE", kBase + "/twitter/post/2.json", kGoodAuthorization).status, 200);
}

TEST_F(SandboxServerTest, CredentialsComeFromTheOptions) {
  SandboxOptions options;
  options.credentials.public_key = "my-public";
  options.credentials.private_key = "my-private";
  restart_sandbox(options);
  const std::string url = base_url() + kBase + "/twitter/post/1.json";
  EXPECT_EQ(http_request("DELETE", url, "", good_auth()).status, 401);
  EXPECT_EQ(http_request("DELETE", url, "", BasicAuth{"my-public", "my-private"}).status, 200);
  EXPECT_EQ(http_request("GET", base_url() + "/tools/ping.json", "", good_auth()).status, 401);
}

TEST_F(SandboxServerTest, RootPingAndStatsAnswer) {
  EXPECT_EQ(http_request("GET", base_url() + "/").status, 200);  // no credentials needed
  const HttpReply ping = call("GET", "/tools/ping.json");
  EXPECT_EQ(ping.status, 200);
  EXPECT_EQ(status_of(ping.body), "success 200");
  const HttpReply bad_ping =
      http_request("GET", base_url() + "/tools/ping.json", "", BasicAuth{"x", "y"});
  EXPECT_EQ(bad_ping.status, 401);
  EXPECT_EQ(status_of(bad_ping.body), "error 401");
  EXPECT_EQ(http_request("GET", base_url() + "/tools/ping.json").status, 401);

  call("DELETE", kBase + "/twitter/post/1.json");
  call("DELETE", kBase + "/twitter/post/1.json");
  call("PUT", kBase + "/pinterest/pin/1.json", "{");
  http_request("GET", base_url() + "/nothing/here");
  const HttpReply reply = http_request("GET", base_url() + "/sandbox/stats");  // no credentials
  ASSERT_EQ(reply.status, 200);
  EXPECT_NE(reply.headers.find("application/json"), std::string::npos);
  simdjson::dom::parser parser;
  simdjson::dom::element stats_json;
  ASSERT_EQ(parser.parse(reply.body).get(stats_json), simdjson::SUCCESS) << reply.body;
  const std::pair<const char*, std::uint64_t> expected[] = {
      {"requests", 9},  // this request included
      {"applied", 1},  {"repeated", 1}, {"unauthorized", 2}, {"not_found", 2}, {"bad_requests", 1},
  };
  for (const auto& [key, value] : expected) {
    EXPECT_EQ(stats_json[key].get_uint64().value(), value) << key << " in " << reply.body;
  }
  EXPECT_EQ(stats_json["max_concurrent"].error(), simdjson::SUCCESS) << reply.body;
  EXPECT_EQ(stats().requests, 9u);
}

TEST_F(SandboxServerTest, SecondDeleteIsA404CountedAsRepeated) {
  EXPECT_EQ(call("DELETE", kBase + "/pinterest/pin/5.json").status, 200);
  const HttpReply again = call("DELETE", kBase + "/pinterest/pin/5.json");
  EXPECT_EQ(again.status, 404);
  EXPECT_EQ(status_of(again.body), "error 404");
  EXPECT_EQ(call("PUT", kBase + "/pinterest/pin/5.json", kPinBody).status, 404);
  EXPECT_EQ(stats().applied, 1u);
  EXPECT_EQ(stats().repeated, 1u);
  EXPECT_EQ(stats().not_found, 2u);
}

TEST_F(SandboxServerTest, TheSameUpdateTwiceIs200CountedAsRepeated) {
  const std::string path = kBase + "/facebook/page/12/post/12_34.json";
  EXPECT_EQ(call("PUT", path, kPostBody).status, 200);
  EXPECT_EQ(call("PUT", path, kPostBody).status, 200);
  EXPECT_EQ(stats().applied, 1u);
  EXPECT_EQ(stats().repeated, 1u);
  EXPECT_EQ(call("PUT", path, R"({"request":{"update":{"post":{"message":"Bye"}}}})").status, 200);
  EXPECT_EQ(stats().applied, 2u);
  // The same post id under another page is another object.
  EXPECT_EQ(call("PUT", kBase + "/facebook/page/13/post/12_34.json", kPostBody).status, 200);
  EXPECT_EQ(stats().applied, 3u);
  EXPECT_EQ(stats().repeated, 1u);
}

TEST_F(SandboxServerTest, MissingObjectsAre404) {
  SandboxOptions options;
  options.missing_objects = {"404me"};
  restart_sandbox(options);
  EXPECT_EQ(call("DELETE", kBase + "/twitter/post/404me.json").status, 404);
  EXPECT_EQ(call("PUT", kBase + "/pinterest/pin/404me.json", kPinBody).status, 404);
  EXPECT_EQ(call("DELETE", kBase + "/twitter/post/other.json").status, 200);
  EXPECT_EQ(stats().applied, 1u);
  EXPECT_EQ(stats().repeated, 0u);
  EXPECT_EQ(stats().not_found, 2u);
}

TEST_F(SandboxServerTest, UnknownPathsAre404WithTheErrorEnvelope) {
  for (const std::string path : {"/nothing/here", "/update", "/update/identities/x.json",
                                 "/tools/ping", "/sandbox/stats/x"}) {
    const HttpReply reply = http_request("GET", base_url() + path, "", good_auth());
    EXPECT_EQ(reply.status, 404) << path;
    EXPECT_EQ(status_of(reply.body), "error 404") << path;
  }
  for (const std::string& path : {kBase + "/twitter/other/1.json", kBase + "/pinterest/pin/1",
                                  kBase + "/facebook/page/1/story/1.json"}) {
    const HttpReply reply = call("DELETE", path);
    EXPECT_EQ(reply.status, 404) << path;
    EXPECT_EQ(status_of(reply.body), "error 404") << path;
  }
  EXPECT_EQ(stats().applied, 0u);
}

TEST_F(SandboxServerTest, MalformedIdsAre400AndReachNoObject) {
  const std::string paths[] = {
      "/update/identities/not-a-uuid/twitter/post/1.json",
      kBase + "/twitter/post/a%2Fb.json",  // an encoded slash stays part of the id
      kBase + "/twitter/post/%2e%2e.json",
      kBase + "/twitter/post/a%20b.json",
      kBase + "/facebook/page/%2e%2e/post/1.json",
      kBase + "/pinterest/pin/" + std::string(129, '1') + ".json",
  };
  for (const std::string& path : paths) {
    const HttpReply reply = call("DELETE", path);
    EXPECT_EQ(reply.status, 400) << path;
    EXPECT_EQ(status_of(reply.body), "error 400") << path;
    simdjson::dom::parser parser;
    EXPECT_EQ(parser.parse(reply.body)["response"]["request"]["resource"].get_string().value(),
              path);
  }
  EXPECT_EQ(stats().bad_requests, std::size(paths));
  EXPECT_EQ(stats().applied, 0u);
}

TEST_F(SandboxServerTest, BadBodiesAre400AndChangeNothing) {
  const std::string pin = kBase + "/pinterest/pin/1.json";
  const std::string post = kBase + "/facebook/page/1/post/1_2.json";
  const std::pair<std::string, std::string> cases[] = {
      {pin, ""},
      {pin, "{not json"},
      {pin, kPostBody},
      {pin, R"({"request":{"update":{"pin":{}}}})"},
      {pin, R"({"request":{"update":{"pin":{"link":7}}}})"},
      {pin, R"({"request":{"update":{"pin":{"colour":"red"}}}})"},
      {post, kPinBody},
      {post, R"({"request":{"update":{"post":{"link":"https://x/","attachments":[1]}}}})"},
  };
  for (const auto& [path, body] : cases) {
    const HttpReply reply = call("PUT", path, body);
    EXPECT_EQ(reply.status, 400) << body;
    EXPECT_EQ(status_of(reply.body), "error 400") << body;
  }
  EXPECT_EQ(stats().bad_requests, std::size(cases));
  EXPECT_EQ(stats().applied, 0u);
  EXPECT_EQ(call("PUT", pin, kPinBody).status, 200);  // the first real change
  EXPECT_EQ(stats().applied, 1u);
}

TEST_F(SandboxServerTest, APutWithoutContentLengthIsAnsweredAtOnceAsBodyless) {
  const std::string head = "HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  struct Case {
    std::string request;
    int status;
  };
  const Case cases[] = {
      {"PUT " + kBase + "/pinterest/pin/1.json " + head + kGoodAuthorization + "\r\n", 400},
      {"PUT " + kBase + "/twitter/post/1.json " + head + kGoodAuthorization + "\r\n", 405},
      {"PUT " + kBase + "/pinterest/pin/1.json " + head + "\r\n", 401},
      {"POST /tools/ping.json " + head + kGoodAuthorization + "\r\n", 404},
      {"PATCH /elsewhere " + head + "\r\n", 404},
  };
  for (const auto& c : cases) {
    const auto start = steady_clock::now();
    const RawReply reply = send_raw(port(), c.request);
    EXPECT_EQ(reply.status, c.status) << c.request;
    EXPECT_EQ(status_of(reply.body), "error " + std::to_string(c.status)) << c.request;
    EXPECT_LT(steady_clock::now() - start, milliseconds(1000)) << c.request;
  }
  EXPECT_EQ(stats().requests, std::size(cases));
}

TEST_F(SandboxServerTest, AnOversizedBodyIs413WithTheErrorEnvelope) {
  const std::string huge(2 << 20, 'x');
  const RawReply reply = raw("PUT", kBase + "/pinterest/pin/1.json", kGoodAuthorization, huge);
  EXPECT_EQ(reply.status, 413) << reply.head;
  EXPECT_EQ(status_of(reply.body), "error 413");
  EXPECT_EQ(stats().applied, 0u);
}

TEST_F(SandboxServerTest, LatencyIsAddedToEachApiAnswer) {
  SandboxOptions options;
  options.latency_ms = 100;
  restart_sandbox(options);
  for (const auto& [method, path] :
       {std::pair<std::string, std::string>{"DELETE", kBase + "/twitter/post/1.json"},
        {"GET", "/tools/ping.json"}}) {
    const auto start = steady_clock::now();
    EXPECT_EQ(call(method, path).status, 200);
    EXPECT_GE(steady_clock::now() - start, milliseconds(100)) << path;
  }
  const auto start = steady_clock::now();
  EXPECT_EQ(http_request("GET", base_url() + "/sandbox/stats").status, 200);
  EXPECT_LT(steady_clock::now() - start, milliseconds(100));  // not an API request
}

// One keep-alive connection on which requests are sent one after another, each answer read
// to its end (Content-Length) before the next request goes out, as a client with one slot does.
class KeepAliveConnection {
 public:
  explicit KeepAliveConnection(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    const timeval timeout{5, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    const int yes = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  }
  ~KeepAliveConnection() { ::close(fd_); }
  KeepAliveConnection(const KeepAliveConnection&) = delete;
  KeepAliveConnection& operator=(const KeepAliveConnection&) = delete;

  bool connected() const { return connected_; }

  // Sends `request` whole and returns the status of its answer (0: no complete answer).
  int exchange(const std::string& request) {
    if (::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(request.size())) {
      return 0;
    }
    std::string answer;
    char buffer[4096];
    while (true) {
      const std::size_t end_of_head = answer.find("\r\n\r\n");
      if (end_of_head != std::string::npos) {
        const std::optional<std::size_t> length = content_length(answer.substr(0, end_of_head));
        if (!length) return 0;
        if (answer.size() >= end_of_head + 4 + *length) {
          return std::stoi(answer.substr(9, 3));
        }
      }
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) return 0;
      answer.append(buffer, static_cast<std::size_t>(n));
    }
  }

 private:
  static std::optional<std::size_t> content_length(const std::string& head) {
    static const std::regex pattern("Content-Length: (\\d+)", std::regex::icase);
    std::smatch match;
    if (!std::regex_search(head, match, pattern)) return std::nullopt;
    return std::stoul(match[1].str());
  }

  int fd_;
  bool connected_ = false;
};

// The latency runs from a request's arrival, and the work of answering it is inside it: a
// client sending one request after another on one connection sees every answer no sooner than
// the latency after sending, and most of them not much later. Applied twice, or not at all, the
// median leaves that band. How close the sandbox really comes (tens of microseconds) is measured
// in bench/README.md, "Sandbox latency precision".
TEST_F(SandboxServerTest, LatencyRunsFromArrivalAndIsNotAddedTwice) {
  SandboxOptions options;
  options.latency_ms = 50;
  restart_sandbox(options);
  KeepAliveConnection connection(port());
  ASSERT_TRUE(connection.connected());
  constexpr int kRequests = 20;
  std::vector<steady_clock::duration> took;
  for (int i = 0; i < kRequests; ++i) {
    const std::string request =
        "PUT " + kBase + "/pinterest/pin/" + std::to_string(i) +
        ".json HTTP/1.1\r\nHost: 127.0.0.1\r\n" + kGoodAuthorization +
        "Content-Type: application/json\r\nContent-Length: " + std::to_string(kPinBody.size()) +
        "\r\n\r\n" + kPinBody;
    const auto sent = steady_clock::now();
    ASSERT_EQ(connection.exchange(request), 200) << "request " << i;
    took.push_back(steady_clock::now() - sent);
  }
  std::sort(took.begin(), took.end());
  EXPECT_GE(took.front(), milliseconds(50));
  // The median, not the mean, and a bound halfway to the bug: a latency applied twice puts the
  // median at 100 ms, while a loaded machine (the suite runs two tests at a time, beside
  // builds) was seen to add 6 ms to it, and ThreadSanitizer 5-10 ms.
  const auto median = std::chrono::duration_cast<std::chrono::microseconds>(took[kRequests / 2]);
  EXPECT_LT(median, milliseconds(75)) << median.count() << " us median";
  EXPECT_EQ(stats().applied, static_cast<std::uint64_t>(kRequests));
  EXPECT_EQ(sandbox().received().since_start.size(), static_cast<std::size_t>(kRequests));
}

TEST_F(SandboxServerTest, ServesManyRequestsAtOnce) {
  SandboxOptions options;
  options.latency_ms = 50;
  restart_sandbox(options);
  constexpr int kClients = 64;
  ASSERT_EQ(http_request("GET", base_url() + "/").status, 200);  // curl initialised, server up
  const auto start = steady_clock::now();
  std::vector<std::future<long>> answers;
  for (int i = 0; i < kClients; ++i) {
    answers.push_back(std::async(std::launch::async, [this, i] {
      return call("DELETE", kBase + "/twitter/post/" + std::to_string(i) + ".json").status;
    }));
  }
  for (auto& answer : answers) EXPECT_EQ(answer.get(), 200);
  const auto elapsed = steady_clock::now() - start;
  // One at a time this takes 64 x 50 ms = 3.2 s; side by side, about 50 ms.
  EXPECT_LT(elapsed, milliseconds(1600));
  EXPECT_EQ(stats().applied, static_cast<std::uint64_t>(kClients));
  // Under TSan the 64 client threads start too slowly to all meet within 50 ms (some 30 do);
  // served one at a time, it would be 1.
  EXPECT_GE(stats().max_concurrent, kThreadSanitizer ? 8u : 32u);
  EXPECT_LE(stats().max_concurrent, static_cast<std::uint64_t>(kClients));
}

// `threads` is how many connections are served at once: the rest wait for a free thread, so
// with latency the sandbox answers at most threads / latency requests per second.
TEST_F(SandboxServerTest, ServesAsManyConnectionsAtOnceAsItHasThreads) {
  constexpr int kClients = 12;
  for (const int threads : {4, 16}) {
    SandboxOptions options;
    options.latency_ms = 100;
    options.threads = threads;
    restart_sandbox(options);
    ASSERT_EQ(http_request("GET", base_url() + "/").status, 200);
    std::vector<std::future<long>> answers;
    for (int i = 0; i < kClients; ++i) {
      answers.push_back(std::async(std::launch::async, [this, i] {
        return call("DELETE", kBase + "/twitter/post/" + std::to_string(i) + ".json").status;
      }));
    }
    for (auto& answer : answers) EXPECT_EQ(answer.get(), 200);
    EXPECT_EQ(stats().applied, static_cast<std::uint64_t>(kClients)) << threads;
    if (threads < kClients) {
      EXPECT_EQ(stats().max_concurrent, static_cast<std::uint64_t>(threads));
    } else {
      EXPECT_GT(stats().max_concurrent, 4u);  // not held to the smaller pool
    }
  }
}

TEST(SandboxServer, RefusesANonLoopbackHost) {
  for (const std::string host : {"0.0.0.0", "192.0.2.1", "example.com", "::"}) {
    SandboxOptions options;
    options.host = host;
    SandboxServer server(options);
    auto started = server.start();
    ASSERT_FALSE(started.ok()) << host;
    EXPECT_NE(started.error().message.find("loopback"), std::string::npos) << host;
  }
}

TEST(SandboxServer, StartsOnceAndReportsItsPort) {
  SandboxServer server({});
  auto started = server.start();
  ASSERT_TRUE(started.ok()) << started.error().message;
  EXPECT_GT(*started, 0);
  EXPECT_EQ(server.port(), *started);
  EXPECT_EQ(server.base_url(), "http://127.0.0.1:" + std::to_string(*started));
  EXPECT_FALSE(server.start().ok());
}

TEST(SandboxServer, ServesOnIpv6LoopbackWithABracketedUrl) {
  SandboxOptions options;
  options.host = "::1";
  SandboxServer server(options);
  auto started = server.start();
  if (!started.ok()) GTEST_SKIP() << "no IPv6 loopback here: " << started.error().message;
  EXPECT_EQ(server.base_url(), "http://[::1]:" + std::to_string(*started));
  EXPECT_EQ(http_request("GET", server.base_url() + "/").status, 200);
}

TEST(SandboxServer, APortInUseIsAnError) {
  SandboxServer first({});
  auto port = first.start();
  ASSERT_TRUE(port.ok());
  SandboxOptions same_port;
  same_port.port = *port;
  SandboxServer second(same_port);
  auto started = second.start();
  ASSERT_FALSE(started.ok());
  EXPECT_NE(started.error().message.find(std::to_string(*port)), std::string::npos)
      << started.error().message;
}

TEST(SandboxServer, StopsReleasesItsPortAndCanBeStartedAgain) {
  int port = 0;
  {
    SandboxServer server({});
    auto started = server.start();
    ASSERT_TRUE(started.ok());
    port = *started;
    EXPECT_EQ(http_request("GET", server.base_url() + "/").status, 200);
    EXPECT_EQ(
        http_request("DELETE", server.base_url() + kBase + "/twitter/post/1.json", "", good_auth())
            .status,
        200);
    server.stop();
    server.stop();  // idempotent
    server.wait();  // returns at once once stopped
    const HttpReply after = http_request("GET", server.base_url() + "/");
    EXPECT_EQ(after.status, 0);             // nobody listens any more
    EXPECT_EQ(server.stats().applied, 1u);  // the counters outlive the server's socket
  }
  SandboxOptions same_port;
  same_port.port = port;
  SandboxServer again(same_port);
  auto restarted = again.start();
  ASSERT_TRUE(restarted.ok()) << restarted.error().message;
  EXPECT_EQ(*restarted, port);
  // A new server has a new book: the object deleted above exists again.
  EXPECT_EQ(
      http_request("DELETE", again.base_url() + kBase + "/twitter/post/1.json", "", good_auth())
          .status,
      200);
}

TEST(SandboxServer, WaitReturnsWhenStoppedFromAnotherThread) {
  SandboxServer server({});
  ASSERT_TRUE(server.start().ok());
  std::promise<void> entered;
  auto waiting = std::async(std::launch::async, [&server, &entered] {
    entered.set_value();
    server.wait();
  });
  // Once the thread is on its way into wait(), give a wrongly returning wait() time to return.
  ASSERT_EQ(entered.get_future().wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_EQ(waiting.wait_for(milliseconds(100)), std::future_status::timeout);
  server.stop();
  EXPECT_EQ(waiting.wait_for(std::chrono::seconds(5)), std::future_status::ready);
}

TEST(SandboxServer, DestroyingARunningServerStopsIt) {
  std::string url;
  {
    SandboxServer server({});
    ASSERT_TRUE(server.start().ok());
    url = server.base_url() + "/";
    EXPECT_EQ(http_request("GET", url).status, 200);
  }
  EXPECT_EQ(http_request("GET", url).status, 0);
}

}  // namespace
}  // namespace oneall::sandbox
