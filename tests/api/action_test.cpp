#include "api/action.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace oneall::api {
namespace {

constexpr const char* kIdentity = "2af20011-8965-471b-8f6b-8b66a611aae6";

Action delete_of(Target target, std::string object_id, std::string page_id = "") {
  Action action;
  action.op = Op::kDelete;
  action.target = target;
  action.identity = kIdentity;
  action.page_id = std::move(page_id);
  action.object_id = std::move(object_id);
  return action;
}

Action pin_update(UpdateFields fields) {
  Action action = delete_of(Target::kPinterestPin, "352969689546669253");
  action.op = Op::kUpdate;
  action.fields = std::move(fields);
  return action;
}

Action post_update(UpdateFields fields) {
  Action action = delete_of(Target::kFacebookPagePost, "1234_5678", "1234");
  action.op = Op::kUpdate;
  action.fields = std::move(fields);
  return action;
}

std::vector<PictureId> ids(std::initializer_list<std::string_view> texts) {
  std::vector<PictureId> parsed;
  for (std::string_view text : texts) parsed.push_back(PictureId::parse(text).value());
  return parsed;
}

// {"board", "x"}, {"link", "y"} ... as UpdateFields; attachments given apart.
UpdateFields set_of(std::initializer_list<std::pair<std::string, std::string>> text,
                    std::optional<std::vector<PictureId>> attachments = std::nullopt) {
  UpdateFields fields;
  for (const auto& [name, value] : text) {
    if (name == "board")
      fields.board = value;
    else if (name == "description")
      fields.description = value;
    else if (name == "link")
      fields.link = value;
    else if (name == "message")
      fields.message = value;
    else
      throw std::invalid_argument(name);
  }
  fields.attachments = std::move(attachments);
  return fields;
}

std::vector<std::string> fields_of(const std::vector<FieldProblem>& problems) {
  std::vector<std::string> fields;
  for (const auto& p : problems) fields.push_back(p.field);
  return fields;
}

TEST(Render, BuildsTheDocumentedPathOfEachTarget) {
  struct Case {
    Action action;
    std::string path;
  };
  const std::string base = std::string("/update/identities/") + kIdentity;
  const Case cases[] = {
      {delete_of(Target::kFacebookPagePost, "1234_5678", "1234"),
       base + "/facebook/page/1234/post/1234_5678.json"},
      {delete_of(Target::kFacebookPagePicture, "99", "1234"),
       base + "/facebook/page/1234/picture/99.json"},
      {delete_of(Target::kFacebookPageVideo, "77", "1234"),
       base + "/facebook/page/1234/video/77.json"},
      {delete_of(Target::kPinterestPin, "352969689546669253"),
       base + "/pinterest/pin/352969689546669253.json"},
      {delete_of(Target::kTwitterTweet, "1456789"), base + "/twitter/post/1456789.json"},
  };
  for (const auto& c : cases) {
    ASSERT_TRUE(validate(c.action).empty()) << c.path;
    auto request = render(c.action);
    ASSERT_TRUE(request.ok()) << request.error().message;
    EXPECT_EQ(request->method, "DELETE");
    EXPECT_EQ(request->path, c.path);
    EXPECT_EQ(request->body, "");
  }
}

TEST(Render, PinUpdateBodyMatchesTheApiDocumentation) {
  auto request = render(pin_update(set_of({{"board", "photos"},
                                           {"description", "Photo of the stadium"},
                                           {"link", "https://www.fcbarcelona.com/"}})));
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->method, "PUT");
  EXPECT_EQ(
      request->body,
      R"({"request":{"update":{"pin":{"board":"photos","description":"Photo of the stadium","link":"https://www.fcbarcelona.com/"}}}})");
}

TEST(Render, PostUpdateBodyHoldsNumericAttachmentsAndEscapedText) {
  auto request =
      render(post_update(set_of({{"message", "Say \"hi\"\n"}},
                                ids({"1234567890", "9007199254740993", "9223372036854775807"}))));
  ASSERT_TRUE(request.ok());
  // Past 2^53 the digits are sent exactly as written: a double would round 9007199254740993.
  EXPECT_EQ(
      request->body,
      R"({"request":{"update":{"post":{"message":"Say \"hi\"\n","attachments":[1234567890,9007199254740993,9223372036854775807]}}}})");
}

TEST(Render, RefusesTextThatIsNotUtf8EvenWithoutValidate) {
  // A body holding these bytes would not be JSON; validate() refuses them, and so does render().
  for (const char* field : {"board", "description", "message", "link"}) {
    auto request = render(pin_update(set_of({{field, "https://x.example/caf\xe9"}})));
    ASSERT_FALSE(request.ok()) << field;
    EXPECT_NE(request.error().message.find(field), std::string::npos) << request.error().message;
  }
}

TEST(Render, RefusesBadIdsEvenWithoutValidate) {
  Action action = delete_of(Target::kTwitterTweet, "../../other/resource");
  auto request = render(action);
  ASSERT_FALSE(request.ok());
  EXPECT_NE(request.error().message.find("object_id"), std::string::npos);
}

TEST(Validate, TableOfRules) {
  struct Case {
    const char* name;
    Action action;
    std::vector<std::string> fields;  // the fields reported, in order
  };
  Action update_tweet = delete_of(Target::kTwitterTweet, "1");
  update_tweet.op = Op::kUpdate;
  update_tweet.fields.message = "x";
  Action update_picture = delete_of(Target::kFacebookPagePicture, "1", "2");
  update_picture.op = Op::kUpdate;
  update_picture.fields.message = "x";
  Action delete_with_fields = delete_of(Target::kPinterestPin, "1");
  delete_with_fields.fields.board = "b";
  Action bad_identity = delete_of(Target::kTwitterTweet, "1");
  bad_identity.identity = "not-a-uuid";

  const Case cases[] = {
      {"valid pin delete", delete_of(Target::kPinterestPin, "1"), {}},
      {"valid post update",
       post_update(set_of({{"message", "hello"}, {"link", "http://www.oneall.com/"}})),
       {}},
      {"update on delete-only tweet", update_tweet, {"op"}},
      {"update on delete-only picture", update_picture, {"op"}},
      {"facebook target without page", delete_of(Target::kFacebookPageVideo, "1"), {"page_id"}},
      {"page on a pin", delete_of(Target::kPinterestPin, "1", "2"), {"page_id"}},
      {"bad identity", bad_identity, {"identity"}},
      {"bad object id", delete_of(Target::kTwitterTweet, "a/b"), {"object_id"}},
      {"delete with set fields", delete_with_fields, {"set"}},
      {"update with nothing set", pin_update(set_of({})), {"set"}},
      {"pin with a message", pin_update(set_of({{"message", "m"}})), {"set.message"}},
      {"post with a board", post_update(set_of({{"board", "b"}})), {"set.board"}},
      {"relative link", pin_update(set_of({{"link", "/relative"}})), {"set.link"}},
      {"ftp link", pin_update(set_of({{"link", "ftp://example.com/"}})), {"set.link"}},
      {"link with a space", pin_update(set_of({{"link", "https://exa mple.com/"}})), {"set.link"}},
      {"link without host", pin_update(set_of({{"link", "https:///path"}})), {"set.link"}},
      {"link and attachments",
       post_update(set_of({{"link", "https://a.example/"}}, ids({"1"}))),
       {"set.attachments"}},
      {"empty attachments", post_update(set_of({}, std::vector<PictureId>{})), {"set.attachments"}},
      {"link that is not UTF-8",
       pin_update(set_of({{"link", "https://a.example/\xe9"}})),
       {"set.link"}},
      {"invalid utf-8", pin_update(set_of({{"description", "caf\xc3"}})), {"set.description"}},
      {"empty text", pin_update(set_of({{"board", ""}})), {"set.board"}},
      {"huge text",
       pin_update(set_of({{"description", std::string(70000, 'a')}})),
       {"set.description"}},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(fields_of(validate(c.action)), c.fields) << c.name;
  }
}

TEST(JobKey, DependsOnWhatTheJobDoesOnly) {
  const Action a = pin_update(set_of({{"link", "https://new.example/"}}));
  const Action same = pin_update(set_of({{"link", "https://new.example/"}}));
  const Action other_link = pin_update(set_of({{"link", "https://other.example/"}}));
  Action as_delete = delete_of(Target::kPinterestPin, "352969689546669253");
  const auto key = [](const Action& action) { return job_key(action, render(action).value()); };
  EXPECT_EQ(key(a), key(same));
  EXPECT_NE(key(a), key(other_link));
  EXPECT_NE(key(a), key(as_delete));
  EXPECT_EQ(key(a).size(), 64u);
}

TEST(ObjectKey, IsTheSameForEveryJobOnOneObject) {
  EXPECT_EQ(object_key(pin_update(set_of({{"link", "https://a.example/"}}))),
            object_key(delete_of(Target::kPinterestPin, "352969689546669253")));
  EXPECT_NE(object_key(delete_of(Target::kPinterestPin, "1")),
            object_key(delete_of(Target::kTwitterTweet, "1")));
}

}  // namespace
}  // namespace oneall::api
