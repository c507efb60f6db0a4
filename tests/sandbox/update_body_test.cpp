// check_update_body: the PUT bodies docs/api.md documents are accepted and their fields handed
// back; anything the API would refuse is a 400 with the reason.
#include "sandbox/update_body.hpp"

#include <gtest/gtest.h>

namespace oneall::sandbox {
namespace {

using api::Target;

std::string describe(const UpdateFields& fields) {
  std::string out;
  for (const auto& field : fields) out += field.name + "=" + field.value_json + ";";
  return out;
}

TEST(CheckUpdateBody, AcceptsTheDocumentedBodies) {
  struct Case {
    Target target;
    std::string body;
    std::string fields;
  };
  const Case cases[] = {
      {Target::kPinterestPin,
       R"({"request": {"update": {"pin": {"board": "photos", "description": "Photo of the stadium", "link": "https://www.fcbarcelona.com/"}}}})",
       R"(board="photos";description="Photo of the stadium";link="https://www.fcbarcelona.com/";)"},
      {Target::kPinterestPin, R"({"request":{"update":{"pin":{"link":"https://x/"}}}})",
       R"(link="https://x/";)"},
      {Target::kPinterestPin, R"({"request":{"update":{"pin":{"description":"a \"q\" \u00e9"}}}})",
       R"(description="a \"q\" é";)"},
      {Target::kFacebookPagePost,
       R"({"request": {"update": {"post": {"message": "Hello World!", "link": "http://www.oneall.com/"}}}})",
       R"(message="Hello World!";link="http://www.oneall.com/";)"},
      {Target::kFacebookPagePost,
       R"({"request":{"update":{"post":{"message":"Hi","attachments":[1234567890, "98"]}}}})",
       R"(message="Hi";attachments=[1234567890,"98"];)"},
      {Target::kFacebookPagePost, R"({"request":{"update":{"post":{"attachments":[1]}}}})",
       R"(attachments=[1];)"},
  };
  for (const auto& c : cases) {
    const auto fields = check_update_body(c.target, c.body);
    ASSERT_TRUE(fields.ok()) << c.body << ": " << fields.error().message;
    EXPECT_EQ(describe(*fields), c.fields) << c.body;
  }
}

TEST(CheckUpdateBody, RefusesWhatTheApiWouldRefuse) {
  struct Case {
    Target target;
    std::string body;
    std::string says;
  };
  const Case cases[] = {
      {Target::kPinterestPin, "", "not valid JSON"},
      {Target::kPinterestPin, "not json", "not valid JSON"},
      {Target::kPinterestPin, R"({"request":{"update":{"pin":{"link":"x"}}})", "not valid JSON"},
      {Target::kPinterestPin, "[]", "must be"},
      {Target::kPinterestPin, R"({"update":{"pin":{"link":"x"}}})", "must be"},
      {Target::kPinterestPin, R"({"request":{"update":{"post":{"message":"m"}}}})", "must be"},
      {Target::kPinterestPin, R"({"request":{"update":{"pin":"x"}}})", "must be"},
      {Target::kPinterestPin, R"({"request":{"update":{"pin":{}}}})", "no field"},
      {Target::kPinterestPin, R"({"request":{"update":{"pin":{"message":"m"}}}})",
       "unknown field pin.message"},
      {Target::kPinterestPin, R"({"request":{"update":{"pin":{"link":7}}}})", "must be a string"},
      {Target::kPinterestPin, R"({"request":{"update":{"pin":{"board":null}}}})",
       "must be a string"},
      {Target::kPinterestPin, R"({"request":{"update":{"pin":{"link":"a","link":"b"}}}})", "twice"},
      {Target::kFacebookPagePost, R"({"request":{"update":{"pin":{"link":"x"}}}})", "must be"},
      {Target::kFacebookPagePost,
       R"({"request":{"update":{"post":{"link":"https://x/","attachments":[1]}}}})",
       "link or attachments"},
      {Target::kFacebookPagePost, R"({"request":{"update":{"post":{"attachments":[]}}}})",
       "attachments"},
      {Target::kFacebookPagePost, R"({"request":{"update":{"post":{"attachments":"1"}}}})",
       "attachments"},
      {Target::kFacebookPagePost, R"({"request":{"update":{"post":{"attachments":[1.5]}}}})",
       "attachments"},
      {Target::kFacebookPagePost, R"({"request":{"update":{"post":{"board":"b"}}}})",
       "unknown field post.board"},
      {Target::kTwitterTweet, R"({"request":{"update":{"post":{"message":"m"}}}})",
       "cannot be updated"},
      {Target::kFacebookPagePicture, R"({"request":{"update":{"post":{"message":"m"}}}})",
       "cannot be updated"},
      {Target::kFacebookPageVideo, R"({"request":{"update":{"post":{"message":"m"}}}})",
       "cannot be updated"},
  };
  for (const auto& c : cases) {
    const auto fields = check_update_body(c.target, c.body);
    ASSERT_FALSE(fields.ok()) << c.body;
    EXPECT_NE(fields.error().message.find(c.says), std::string::npos)
        << c.body << ": " << fields.error().message;
  }
}

}  // namespace
}  // namespace oneall::sandbox
