// What `check` says for each kind of answer: exit 0 only for a 200, 4 with a named reason for
// everything else.
#include "cli/check_verdict.hpp"

#include <gtest/gtest.h>

#include "cli/exit_codes.hpp"

namespace oneall::cli {
namespace {

engine::PingAnswer answered(int status) {
  engine::PingAnswer answer;
  answer.http_status = status;
  return answer;
}

engine::PingAnswer transport(CURLcode code, const char* message) {
  engine::PingAnswer answer;
  answer.result = code;
  answer.transport_error = message;
  return answer;
}

TEST(CheckVerdict, NamesTheReasonForEachAnswer) {
  struct Case {
    engine::PingAnswer answer;
    int exit_code;
    const char* reason;
    const char* says;
  };
  for (const Case& c : std::vector<Case>{
           {answered(200), kExitOk, "ok", "endpoint, subdomain 'site' and keys work"},
           {answered(401), kExitStoppedEarly, "wrong_keys", "not accepted for subdomain 'site'"},
           {answered(403), kExitStoppedEarly, "forbidden", "answered 403"},
           {answered(404), kExitStoppedEarly, "not_found", "subdomain 'site' or the --endpoint"},
           {answered(500), kExitStoppedEarly, "other", "answered HTTP 500"},
           {answered(302), kExitStoppedEarly, "other", "answered HTTP 302"},
           {transport(CURLE_COULDNT_CONNECT, "refused"), kExitStoppedEarly, "unreachable",
            "got no answer (refused)"},
           {transport(CURLE_OPERATION_TIMEDOUT, "slow"), kExitStoppedEarly, "unreachable",
            "got no answer (slow)"},
           {transport(CURLE_PEER_FAILED_VERIFICATION, "self-signed"), kExitStoppedEarly, "tls",
            "--cacert FILE"},
       }) {
    const CheckVerdict verdict = check_verdict(c.answer, "https://h", "site");
    EXPECT_EQ(verdict.exit_code, c.exit_code) << c.reason;
    EXPECT_EQ(verdict.reason, c.reason);
    EXPECT_NE(verdict.message.find(c.says), std::string::npos) << verdict.message;
  }
}

}  // namespace
}  // namespace oneall::cli
