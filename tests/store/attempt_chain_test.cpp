// The writer's chain hash (encoded straight from the record into a reused buffer) must be the
// very encoding the verifier recomputes from stored values: docs/formats.md, "The audit hash
// chain".
#include "store/attempt_chain.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "util/sha256.hpp"

namespace oneall::store {
namespace {

AttemptRecord full_record() {
  AttemptRecord a;
  a.run_id = 3;
  a.job_id = 41;
  a.attempt = 2;
  a.started_at = 1'764'400'000'123;
  a.ended_at = 1'764'400'000'456;
  a.method = "PUT";
  a.path = "/update/identities/i/pinterest/pin/1.json";
  a.request_body = "{\"request\":{}}";
  a.http_status = 503;
  a.curl_error = "";
  a.retry_after = "7";
  a.api_flag = "error";
  a.api_code = -2;
  a.api_info = "busy";
  a.response_body = std::string("line\nwith=\0nul", 14);
  a.response_truncated = true;
  a.requests_sent = 2;
  a.outcome = "retry";
  a.note = "";
  return a;
}

// full_record() as the verifier reads it back from its stored row (typeof() and text of each
// chained column), with the HTTP status and the API code given.
std::vector<ChainValue> stored_values(const ChainValue& http_status, const ChainValue& api_code,
                                      const std::string& curl_error) {
  return {{"integer", "3"},
          {"integer", "41"},
          {"integer", "2"},
          {"integer", "1764400000123"},
          {"integer", "1764400000456"},
          {"text", "PUT"},
          {"text", "/update/identities/i/pinterest/pin/1.json"},
          {"text", "{\"request\":{}}"},
          http_status,
          {"text", curl_error},
          {"text", "7"},
          {"text", "error"},
          api_code,
          {"text", "busy"},
          {"text", std::string("line\nwith=\0nul", 14)},
          {"integer", "1"},
          {"text", "retry"},
          {"text", ""},
          {"integer", "2"}};
}

TEST(AttemptChain, TheWritersEncodingIsTheVerifiersEncoding) {
  ChainScratch scratch;
  scratch.encoding = "left over from an earlier, much longer row";
  const AttemptRecord full = full_record();
  EXPECT_EQ(chain_hash(full, kChainGenesis, scratch),
            chain_hash(stored_values({"integer", "503"}, {"integer", "-2"}, ""), kChainGenesis));

  AttemptRecord unanswered = full_record();  // NULL status and API code
  unanswered.http_status = 0;
  unanswered.api_code.reset();
  unanswered.curl_error = "Connection refused";
  const std::string prev = sha256_hex("prev");
  EXPECT_EQ(chain_hash(unanswered, prev, scratch),
            chain_hash(stored_values({"null", ""}, {"null", ""}, "Connection refused"), prev));
  EXPECT_NE(chain_hash(unanswered, prev, scratch), chain_hash(full, prev, scratch));
}

// A fixed row and its hash, worked out once: the encoding is a documented format, and a change
// to it would break `audit verify` on every existing log.
TEST(AttemptChain, TheEncodingDoesNotChange) {
  AttemptRecord a;
  a.run_id = 1;
  a.job_id = 1;
  a.attempt = 1;
  a.method = "DELETE";
  a.path = "/p";
  a.http_status = 200;
  a.outcome = "succeeded";
  const std::string canonical =
      "oneall-bulk attempt chain v1\n"
      "run_id=integer:1:1\njob_id=integer:1:1\nattempt=integer:1:1\n"
      "started_at=integer:1:0\nended_at=integer:1:0\nmethod=text:6:DELETE\npath=text:2:/p\n"
      "request_body=text:0:\nhttp_status=integer:3:200\ncurl_error=text:0:\n"
      "retry_after=text:0:\napi_flag=text:0:\napi_code=null:0:\napi_info=text:0:\n"
      "response_body=text:0:\nresponse_truncated=integer:1:0\noutcome=text:9:succeeded\n"
      "note=text:0:\nrequests_sent=integer:1:1\nprev=" +
      std::string(kChainGenesis) + "\n";
  ChainScratch scratch;
  EXPECT_EQ(chain_hash(a, kChainGenesis, scratch), sha256_hex(canonical));
}

}  // namespace
}  // namespace oneall::store
