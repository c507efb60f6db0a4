// One InFlightRequest driven through a real multi handle against real loopback servers: what
// goes on the wire, and what is kept of the answer.
#include "engine/in_flight_request.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <vector>

#include "canned_http_server.hpp"
#include "engine_test_helpers.hpp"
#include "sandbox/sandbox_server.hpp"
#include "support/temp_dir.hpp"
#include "support/tls_test_server.hpp"
#include "util/base64.hpp"

namespace oneall::engine {
namespace {

using testing::canned;
using testing::CannedHttpServer;

constexpr const char* kPinPath =
    "/update/identities/2af20011-8965-471b-8f6b-8b66a611aae6/pinterest/pin/352969689546669253.json";
constexpr const char* kPinBody = R"({"request":{"update":{"pin":{"board":"photos"}}}})";

store::ClaimedJob job(const std::string& method, const std::string& body = "") {
  store::ClaimedJob j;
  j.job_id = 7;
  j.attempt = 1;
  j.op = method == "PUT" ? api::Op::kUpdate : api::Op::kDelete;
  j.method = method;
  j.path = kPinPath;
  j.body = body;
  return j;
}

class InFlightRequestTest : public ::testing::Test {
 protected:
  InFlightRequestTest() : multi_(global_) {
    options_.credentials = {"site", "the-public-key", "the-private-key"};
    options_.timeout_ms = 5000;
    options_.connect_timeout_ms = 2000;
  }

  // The slot, set up for options_ at the first send: a test sets its options before that.
  InFlightRequest& request() {
    if (!request_) {
      headers_ = std::make_unique<ApiHeaders>(options_.credentials);
      request_ = std::make_unique<InFlightRequest>(global_, options_, *headers_);
    }
    return *request_;
  }

  // Runs the request to its end (bounded) and returns libcurl's result.
  CURLcode send(store::ClaimedJob j) {
    InFlightRequest& slot = request();
    Status prepared = slot.prepare(std::move(j), 0);
    EXPECT_TRUE(prepared.ok()) << prepared.error().message;
    EXPECT_EQ(slot.attach(multi_), CURLM_OK);
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < give_up) {
      int running = 0;
      EXPECT_EQ(multi_.perform(running), CURLM_OK);
      if (auto done = multi_.next_done()) {
        EXPECT_EQ(&InFlightRequest::from_owner(done->owner), &slot);
        slot.detach();
        return done->result;
      }
      multi_.poll(50);
    }
    ADD_FAILURE() << "the transfer did not end";
    slot.detach();
    return CURLE_OPERATION_TIMEDOUT;
  }

  CurlGlobal global_;
  CurlMulti multi_;
  RunOptions options_;
  std::unique_ptr<ApiHeaders> headers_;
  std::unique_ptr<InFlightRequest> request_;
};

TEST_F(InFlightRequestTest, APutSendsItsMethodPathBodyJsonHeadersAndBasicAuth) {
  CannedHttpServer server({canned(200, testing::envelope("success", 200))});
  ASSERT_TRUE(server.listening());
  options_.api_root = server.base_url();
  EXPECT_EQ(send(job("PUT", kPinBody)), CURLE_OK);
  EXPECT_EQ(request().http_status(), 200);
  EXPECT_TRUE(request().request_sent());
  EXPECT_EQ(request().transport_error(CURLE_OK), "");

  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  const std::string& raw = requests[0];
  EXPECT_EQ(raw.rfind(std::string("PUT ") + kPinPath + " HTTP/1.1\r\n", 0), 0u) << raw;
  EXPECT_NE(raw.find("Authorization: Basic " + base64_encode("the-public-key:the-private-key")),
            std::string::npos)
      << raw;
  EXPECT_NE(raw.find("Content-Type: application/json\r\n"), std::string::npos) << raw;
  EXPECT_NE(raw.find("Accept: application/json\r\n"), std::string::npos) << raw;
  EXPECT_NE(raw.find("User-Agent: oneall-bulk/"), std::string::npos) << raw;
  EXPECT_EQ(raw.find("Expect:"), std::string::npos) << raw;
  EXPECT_EQ(raw.substr(raw.size() - std::string(kPinBody).size()), kPinBody);
}

TEST_F(InFlightRequestTest, ADeleteHasNoBodyAndNoContentType) {
  CannedHttpServer server({canned(200, testing::envelope("success", 200))});
  options_.api_root = server.base_url();
  EXPECT_EQ(send(job("DELETE")), CURLE_OK);
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].rfind(std::string("DELETE ") + kPinPath, 0), 0u);
  EXPECT_EQ(requests[0].find("Content-Type"), std::string::npos);
  EXPECT_EQ(requests[0].substr(requests[0].size() - 4), "\r\n\r\n");  // nothing after the head
}

// A slot keeps its handle's setup from request to request, and changes only what is the
// request's own: a DELETE after a PUT must not carry the PUT's body, method or content type, and
// a PUT after that DELETE must carry its own body again.
TEST_F(InFlightRequestTest, AReusedSlotSendsEachRequestAsItsOwnJobSaysAndNothingOfTheLast) {
  const std::string other_body = R"({"request":{"update":{"pin":{"link":"https://x.test"}}}})";
  CannedHttpServer server({canned(200, testing::envelope("success", 200)),
                           canned(200, testing::envelope("success", 200)),
                           canned(200, testing::envelope("success", 200))});
  options_.api_root = server.base_url();
  EXPECT_EQ(send(job("PUT", kPinBody)), CURLE_OK);
  EXPECT_EQ(send(job("DELETE")), CURLE_OK);
  EXPECT_EQ(send(job("PUT", other_body)), CURLE_OK);

  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  const std::string& removal = requests[1];
  EXPECT_EQ(removal.rfind(std::string("DELETE ") + kPinPath + " HTTP/1.1\r\n", 0), 0u) << removal;
  EXPECT_EQ(removal.find("Content-Type"), std::string::npos) << removal;
  EXPECT_EQ(removal.find("Content-Length"), std::string::npos) << removal;
  EXPECT_EQ(removal.substr(removal.size() - 4), "\r\n\r\n") << removal;
  EXPECT_NE(removal.find("Authorization: Basic "), std::string::npos) << removal;

  const std::string& update = requests[2];
  EXPECT_EQ(update.rfind(std::string("PUT ") + kPinPath + " HTTP/1.1\r\n", 0), 0u) << update;
  EXPECT_NE(update.find("Content-Type: application/json\r\n"), std::string::npos) << update;
  EXPECT_NE(update.find("Content-Length: " + std::to_string(other_body.size()) + "\r\n"),
            std::string::npos)
      << update;
  EXPECT_EQ(update.substr(update.size() - other_body.size()), other_body);
  EXPECT_EQ(server.connections(), 1);
}

// An --endpoint may carry a path prefix: every request's path goes under it.
TEST_F(InFlightRequestTest, AnApiRootsPathPrefixComesBeforeEachRequestsPath) {
  CannedHttpServer server({canned(200, testing::envelope("success", 200)),
                           canned(200, testing::envelope("success", 200))});
  options_.api_root = server.base_url() + "/oneall/v1";
  EXPECT_EQ(send(job("DELETE")), CURLE_OK);
  EXPECT_EQ(send(job("PUT", kPinBody)), CURLE_OK);
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].rfind(std::string("DELETE /oneall/v1") + kPinPath + " HTTP/1.1\r\n", 0), 0u)
      << requests[0];
  EXPECT_EQ(requests[1].rfind(std::string("PUT /oneall/v1") + kPinPath + " HTTP/1.1\r\n", 0), 0u)
      << requests[1];
}

// libcurl takes a path set through its URL handle as it is, without resolving "..": a path
// that could reach another resource (only a queue written by something other than import can
// hold one) is refused before anything is sent, saying what is wrong with it.
TEST_F(InFlightRequestTest, APathThatIsNotAnApiPathIsRefusedAndNothingIsSent) {
  CannedHttpServer server({canned(200, testing::envelope("success", 200)),
                           canned(200, testing::envelope("success", 200))});
  options_.api_root = server.base_url();
  for (const std::string& path : std::vector<std::string>{
           "/update/identities/../../admin.json", "/update/./x.json", "/update/x.json?all=1",
           "/update/x.json#frag", "/update//x.json", "/update/x.json/", "update/x.json",
           "/update/x%2Fy.json", "/update/x y.json", std::string("/update/x\0.json", 15), ""}) {
    store::ClaimedJob j = job("DELETE");
    j.path = path;
    const Status prepared = request().prepare(std::move(j), 0);
    ASSERT_FALSE(prepared.ok()) << path;
    EXPECT_NE(prepared.error().message.find("refusing to send to its path: it "), std::string::npos)
        << prepared.error().message;
  }
  EXPECT_EQ(server.requests().size(), 0u);
  EXPECT_EQ(send(job("DELETE")), CURLE_OK);  // the slot is still good for a proper job
  // The longest object id import takes (128 characters), with ".json" after it, is an API path.
  const std::string long_path = "/update/identities/x/pin/" + std::string(128, '7') + ".json";
  store::ClaimedJob longest = job("DELETE");
  longest.path = long_path;
  EXPECT_EQ(send(std::move(longest)), CURLE_OK);
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].rfind(std::string("DELETE ") + kPinPath + " ", 0), 0u);
  EXPECT_EQ(requests[1].rfind("DELETE " + long_path + " ", 0), 0u);
}

TEST_F(InFlightRequestTest, TheRetryAfterHeaderIsKeptAsReceived) {
  CannedHttpServer server({canned(503, testing::envelope("error", 503), "Retry-After:   7 \r\n"),
                           canned(200, testing::envelope("success", 200))});
  options_.api_root = server.base_url();
  EXPECT_EQ(send(job("DELETE")), CURLE_OK);
  EXPECT_EQ(request().http_status(), 503);
  EXPECT_EQ(request().retry_after(), "7");
  // Reused for the next request: nothing of the previous answer survives.
  EXPECT_EQ(send(job("DELETE")), CURLE_OK);
  EXPECT_EQ(request().http_status(), 200);
  EXPECT_EQ(request().retry_after(), "");
}

TEST_F(InFlightRequestTest, ABodyPastTheCapIsDroppedAndFlaggedAndTheConnectionIsReused) {
  const std::string huge(300'000, 'x');
  CannedHttpServer server({canned(200, huge), canned(200, "small")});
  options_.api_root = server.base_url();
  options_.response_body_cap = 100;
  EXPECT_EQ(send(job("DELETE")), CURLE_OK);
  EXPECT_EQ(request().response_body(), std::string(100, 'x'));
  EXPECT_TRUE(request().response_truncated());
  EXPECT_EQ(send(job("DELETE")), CURLE_OK);
  EXPECT_EQ(request().response_body(), "small");
  EXPECT_FALSE(request().response_truncated());
  EXPECT_EQ(server.connections(), 1);  // the whole huge body was read off the connection
}

TEST_F(InFlightRequestTest, ARedirectIsAnAnswerNotFollowed) {
  CannedHttpServer server({canned(301, "", "Location: /elsewhere\r\n")});
  options_.api_root = server.base_url();
  EXPECT_EQ(send(job("DELETE")), CURLE_OK);
  EXPECT_EQ(request().http_status(), 301);
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST_F(InFlightRequestTest, ARefusedConnectionSentNothing) {
  options_.api_root = "http://127.0.0.1:" + std::to_string(testing::closed_port());
  const CURLcode result = send(job("DELETE"));
  EXPECT_EQ(result, CURLE_COULDNT_CONNECT);
  EXPECT_FALSE(request().request_sent());
  EXPECT_EQ(request().http_status(), 0);
  const std::string error = request().transport_error(result);
  EXPECT_NE(error.find("Couldn't connect"), std::string::npos) << error;
  EXPECT_EQ(error.find("the-private-key"), std::string::npos) << error;
  EXPECT_EQ(error.find("the-public-key"), std::string::npos) << error;
}

TEST_F(InFlightRequestTest, ATimeoutAfterSendingCountsAsSent) {
  sandbox::SandboxOptions slow;
  slow.latency_ms = 400;
  sandbox::SandboxServer sandbox(slow);
  ASSERT_TRUE(sandbox.start().ok());
  options_.api_root = sandbox.base_url();
  options_.timeout_ms = 100;
  const CURLcode result = send(job("DELETE"));
  EXPECT_EQ(result, CURLE_OPERATION_TIMEDOUT);
  EXPECT_TRUE(request().request_sent());
  EXPECT_NE(request().transport_error(result).find("Timeout"), std::string::npos)
      << request().transport_error(result);
}

TEST_F(InFlightRequestTest, OnlyHttpAndHttpsAreSpoken) {
  options_.api_root = "file:///etc/passwd?";
  const CURLcode result = send(job("DELETE"));
  EXPECT_EQ(result, CURLE_UNSUPPORTED_PROTOCOL);
  EXPECT_TRUE(request().response_body().empty());
}

// Against a real TLS server whose certificate is self-signed: libcurl's own bundle does not
// hold its CA, so the handshake is refused and nothing is sent; a bundle that holds it (what
// --cacert builds) lets the same request through.
TEST_F(InFlightRequestTest, TlsIsVerifiedAgainstTheGivenCaBundle) {
  oneall::testing::TempDir dir;
  oneall::testing::TlsTestServer server(dir.path().string());
  options_.api_root = server.base_url();

  const CURLcode refused = send(job("DELETE"));
  EXPECT_EQ(refused, CURLE_PEER_FAILED_VERIFICATION) << request().transport_error(refused);
  EXPECT_EQ(request().http_status(), 0);
  EXPECT_EQ(server.handshakes(), 0);
  EXPECT_EQ(server.requests(), 0) << "nothing may be sent over an unverified connection";

  request_.reset();  // a slot is set up for its options once: a new one for the new bundle
  std::ifstream cert(server.cert_path());
  options_.ca_bundle = std::string(std::istreambuf_iterator<char>(cert), {});
  ASSERT_NE(options_.ca_bundle->find("BEGIN CERTIFICATE"), std::string::npos);
  const CURLcode accepted = send(job("DELETE"));
  EXPECT_EQ(accepted, CURLE_OK) << request().transport_error(accepted);
  EXPECT_EQ(request().http_status(), 200);
  EXPECT_EQ(server.handshakes(), 1);
  EXPECT_EQ(server.requests(), 1);

  // A bundle without the server's CA is refused like no bundle at all.
  request_.reset();
  options_.ca_bundle = "not a certificate";
  EXPECT_NE(send(job("DELETE")), CURLE_OK);
  EXPECT_EQ(server.requests(), 1);
}

}  // namespace
}  // namespace oneall::engine
