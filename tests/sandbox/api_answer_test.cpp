// answer_update_request: status, envelope, Allow header and effect for each kind of request,
// played in order over one object book (so repeats and deletes carry over), without sockets.
#include "sandbox/api_answer.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

namespace oneall::sandbox {
namespace {

const std::string kBase = "/update/identities/2af20011-8965-471b-8f6b-8b66a611aae6";
const std::string kPinBody = R"({"request":{"update":{"pin":{"link":"https://new.example/"}}}})";
const std::string kPostBody = R"({"request":{"update":{"post":{"message":"Hello"}}}})";
constexpr std::string_view kDate = "Mon, 04 Nov 2019 16:12:58 +0100";

struct Expect {
  int status;
  Effect effect;
  std::string allow = "";
};

struct Case {
  std::string method, path, body;
  Expect expect;
};

// Checks the envelope every answer carries: flag and code agree with the status, the date and
// the resource are echoed, and only a success has a result.
void check_envelope(const ApiAnswer& answer, const std::string& path, const std::string& where) {
  simdjson::dom::parser parser;
  simdjson::dom::element response;
  ASSERT_EQ(parser.parse(answer.body)["response"].get(response), simdjson::SUCCESS)
      << where << ": " << answer.body;
  const bool ok = answer.status == 200;
  EXPECT_EQ(response["request"]["status"]["flag"].get_string().value(), ok ? "success" : "error")
      << where;
  EXPECT_EQ(response["request"]["status"]["code"].get_int64().value(), answer.status) << where;
  EXPECT_FALSE(response["request"]["status"]["info"].get_string().value().empty()) << where;
  EXPECT_EQ(response["request"]["resource"].get_string().value(), path) << where;
  EXPECT_EQ(response["request"]["date"].get_string().value(), kDate) << where;
  EXPECT_EQ(response["result"].error() == simdjson::SUCCESS, ok) << where;
}

void play(ObjectBook& book, const std::vector<Case>& cases) {
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    const std::string where = "step " + std::to_string(i) + ": " + c.method + " " + c.path;
    const ApiAnswer answer = answer_update_request({c.method, c.path, c.body, kDate}, book);
    EXPECT_EQ(answer.status, c.expect.status) << where << ": " << answer.body;
    EXPECT_EQ(answer.effect, c.expect.effect) << where;
    EXPECT_EQ(answer.allow, c.expect.allow) << where;
    check_envelope(answer, c.path, where);
  }
}

TEST(AnswerUpdateRequest, EachResourceTakesItsMethods) {
  ObjectBook book({});
  const std::string post = kBase + "/facebook/page/12/post/12_34.json";
  const std::string picture = kBase + "/facebook/page/12/picture/5.json";
  const std::string video = kBase + "/facebook/page/12/video/6.json";
  const std::string pin = kBase + "/pinterest/pin/1.json";
  const std::string tweet = kBase + "/twitter/post/9.json";
  play(book, {
                 {"PUT", post, kPostBody, {200, Effect::kApplied}},
                 {"DELETE", post, "", {200, Effect::kApplied}},
                 {"PUT", picture, kPostBody, {405, Effect::kNone, "DELETE"}},
                 {"DELETE", picture, "", {200, Effect::kApplied}},
                 {"PUT", video, kPostBody, {405, Effect::kNone, "DELETE"}},
                 {"DELETE", video, "", {200, Effect::kApplied}},
                 {"PUT", pin, kPinBody, {200, Effect::kApplied}},
                 {"DELETE", pin, "", {200, Effect::kApplied}},
                 {"PUT", tweet, kPostBody, {405, Effect::kNone, "DELETE"}},
                 {"DELETE", tweet, "", {200, Effect::kApplied}},
             });
}

TEST(AnswerUpdateRequest, OtherMethodsAre405WithAllow) {
  ObjectBook book({});
  const std::string pin = kBase + "/pinterest/pin/1.json";
  const std::string tweet = kBase + "/twitter/post/9.json";
  std::vector<Case> cases;
  for (const std::string method : {"GET", "HEAD", "POST", "PATCH", "OPTIONS"}) {
    cases.push_back({method, pin, kPinBody, {405, Effect::kNone, "PUT, DELETE"}});
    cases.push_back({method, tweet, "", {405, Effect::kNone, "DELETE"}});
  }
  play(book, cases);
}

TEST(AnswerUpdateRequest, RepeatsAndMissingObjects) {
  ObjectBook book({"404me"});
  const std::string pin = kBase + "/pinterest/pin/5.json";
  const std::string other = R"({"request":{"update":{"pin":{"board":"b"}}}})";
  play(book, {
                 {"PUT", pin, kPinBody, {200, Effect::kApplied}},
                 {"PUT", pin, kPinBody, {200, Effect::kRepeated}},
                 {"PUT", pin, other, {200, Effect::kApplied}},
                 {"DELETE", pin, "", {200, Effect::kApplied}},
                 {"DELETE", pin, "", {404, Effect::kRepeated}},
                 {"PUT", pin, kPinBody, {404, Effect::kNone}},
                 {"DELETE", kBase + "/pinterest/pin/404me.json", "", {404, Effect::kNone}},
                 {"PUT", kBase + "/pinterest/pin/404me.json", kPinBody, {404, Effect::kNone}},
                 {"DELETE", kBase + "/twitter/post/404me.json", "", {404, Effect::kNone}},
             });
}

TEST(AnswerUpdateRequest, BadRequestsChangeNothing) {
  ObjectBook book({});
  const std::string pin = kBase + "/pinterest/pin/1.json";
  play(
      book,
      {
          {"PUT", pin, "{not json", {400, Effect::kNone}},
          {"PUT", pin, "", {400, Effect::kNone}},
          {"PUT", pin, kPostBody, {400, Effect::kNone}},
          {"PUT",
           kBase + "/facebook/page/1/post/2.json",
           R"({"request":{"update":{"post":{"link":"https://x/","attachments":[1]}}}})",
           {400, Effect::kNone}},
          {"DELETE", "/update/identities/not-a-uuid/twitter/post/1.json", "", {400, Effect::kNone}},
          {"DELETE", kBase + "/twitter/post/a%2Fb.json", "", {400, Effect::kNone}},
          {"PUT", kBase + "/pinterest/pin/..json", kPinBody, {400, Effect::kNone}},
          {"GET", kBase + "/pinterest/pin/%25.json", "", {400, Effect::kNone}},
          {"DELETE", kBase + "/twitter/other/1.json", "", {404, Effect::kNone}},
          {"PUT", kBase + "/pinterest/pin/1", kPinBody, {404, Effect::kNone}},
          // Nothing above touched the pin: its first update is a change.
          {"PUT", pin, kPinBody, {200, Effect::kApplied}},
      });
}

TEST(AnswerUpdateRequest, SuccessCarriesTheObjectData) {
  ObjectBook book({});
  const std::string path = kBase + "/pinterest/pin/352969689546669253.json";
  const ApiAnswer answer = answer_update_request({"PUT", path, kPinBody, kDate}, book);
  simdjson::dom::parser parser;
  simdjson::dom::element data;
  ASSERT_EQ(parser.parse(answer.body)["response"]["result"]["data"].get(data), simdjson::SUCCESS);
  EXPECT_EQ(data["provider"].get_string().value(), "pinterest");
  EXPECT_EQ(data["object"].get_string().value(), "pin");
  EXPECT_EQ(data["pin_id"].get_string().value(), "352969689546669253");
  EXPECT_EQ(data["pin_link"].get_string().value(), "https://new.example/");
}

TEST(OtherAnswers, PingUnauthorizedAndErrors) {
  struct Case {
    ApiAnswer answer;
    int status;
  };
  const Case cases[] = {
      {ping_answer("/tools/ping.json", kDate), 200},
      {unauthorized_answer("/tools/ping.json", kDate), 401},
      {error_answer("/tools/ping.json", kDate, 404), 404},
      {error_answer("/tools/ping.json", kDate, 413), 413},
      {error_answer("/tools/ping.json", kDate, 400), 400},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.answer.status, c.status);
    EXPECT_EQ(c.answer.effect, Effect::kNone);
    check_envelope(c.answer, "/tools/ping.json", "status " + std::to_string(c.status));
  }
}

}  // namespace
}  // namespace oneall::sandbox
