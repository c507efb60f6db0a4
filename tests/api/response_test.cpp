#include "api/response.hpp"

#include <gtest/gtest.h>

#include <string>

namespace oneall::api {
namespace {

TEST(ParseResponse, ReadsTheSuccessEnvelope) {
  const auto status = ResponseParser().parse(R"({"response": {
      "request": {"date": "Mon, 04 Nov 2019 16:12:58 +0100", "resource": "/update/x.json",
                  "status": {"flag": "success", "code": 200, "info": "Your request has been processed successfully"}},
      "result": {"data": {"provider": "pinterest", "object": "pin", "pin_id": "352969689546669253"}}}})");
  EXPECT_TRUE(status.parsed);
  EXPECT_EQ(status.flag, "success");
  EXPECT_EQ(status.code, 200);
  EXPECT_EQ(status.info, "Your request has been processed successfully");
}

TEST(ParseResponse, ReadsTheErrorEnvelopeWithoutResult) {
  const auto status = ResponseParser().parse(
      R"({"response":{"request":{"status":{"flag":"error","code":403,"info":"(#200) Permissions error"}}}})");
  EXPECT_TRUE(status.parsed);
  EXPECT_EQ(status.flag, "error");
  EXPECT_EQ(status.code, 403);
  EXPECT_EQ(status.info, "(#200) Permissions error");
}

// Whatever a server or a proxy sends, parsing yields an empty status, never a failure.
TEST(ParseResponse, ToleratesBodiesThatAreNotTheEnvelope) {
  const std::string cases[] = {
      "",
      "<html><body>502 Bad Gateway</body></html>",
      R"({"response":{"request":{"status":{"flag":"succ)",  // truncated
      "[1,2,3]",
      R"({"response":"text"})",
      R"({"response":{"request":{"status":"ok"}}})",  // status of another type
      std::string(5000, '['),                         // deeply nested, unterminated
      std::string("\0\xff\xfe", 3),
  };
  for (const auto& body : cases) {
    const auto status = ResponseParser().parse(body);
    EXPECT_FALSE(status.parsed) << body.substr(0, 40);
    EXPECT_EQ(status.flag, "");
  }
}

TEST(ParseResponse, IgnoresFieldsOfTheWrongType) {
  const auto status = ResponseParser().parse(
      R"({"response":{"request":{"status":{"flag":7,"code":"200","info":null}}}})");
  EXPECT_TRUE(status.parsed);
  EXPECT_EQ(status.flag, "");
  EXPECT_EQ(status.code, std::nullopt);
  EXPECT_EQ(status.info, "");
}

// A run reads every answer with one ResponseParser: a large or broken answer must leave
// nothing behind that changes how the next one reads.
TEST(ResponseParser, ReadsEachAnswerAloneWhenCalledInTurn) {
  ResponseParser parser;
  const std::string big =
      R"({"response":{"request":{"status":{"flag":"error","code":500,"info":")" +
      std::string(100000, 'x') + R"("}},"result":{"data":{"a":[1,2,3]}}}})";
  const auto first = parser.parse(big);
  EXPECT_EQ(first.info.size(), 100000u);
  EXPECT_FALSE(parser.parse(R"({"response":{"request":)").parsed);
  EXPECT_FALSE(parser.parse("").parsed);
  const auto small =
      parser.parse(R"({"response":{"request":{"status":{"flag":"success","code":200}}}})");
  EXPECT_TRUE(small.parsed);
  EXPECT_EQ(small.flag, "success");
  EXPECT_EQ(small.code, 200);
  EXPECT_EQ(small.info, "");
  EXPECT_EQ(first.info, std::string(100000, 'x'));  // what an earlier answer gave stays as it was
}

}  // namespace
}  // namespace oneall::api
