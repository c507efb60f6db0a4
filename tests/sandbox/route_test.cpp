#include "sandbox/route.hpp"

#include <gtest/gtest.h>

#include "sandbox/object_book.hpp"
#include "sandbox/update_body.hpp"

namespace oneall::sandbox {
namespace {

const std::string kBase = "/update/identities/2af20011-8965-471b-8f6b-8b66a611aae6";

TEST(MatchRoute, KnowsTheFiveResources) {
  struct Case {
    std::string path;
    api::Target target;
    std::string page_id, object_id;
  };
  const Case cases[] = {
      {kBase + "/facebook/page/12/post/12_34.json", api::Target::kFacebookPagePost, "12", "12_34"},
      {kBase + "/facebook/page/12/picture/5.json", api::Target::kFacebookPagePicture, "12", "5"},
      {kBase + "/facebook/page/12/video/6.json", api::Target::kFacebookPageVideo, "12", "6"},
      {kBase + "/pinterest/pin/352969689546669253.json", api::Target::kPinterestPin, "",
       "352969689546669253"},
      {kBase + "/twitter/post/1456789.json", api::Target::kTwitterTweet, "", "1456789"},
  };
  for (const auto& c : cases) {
    const RouteMatch match = match_route(c.path);
    ASSERT_TRUE(std::holds_alternative<Route>(match)) << c.path;
    const Route& route = std::get<Route>(match);
    EXPECT_EQ(route.target, c.target) << c.path;
    EXPECT_EQ(route.page_id, c.page_id) << c.path;
    EXPECT_EQ(route.object_id, c.object_id) << c.path;
  }
}

TEST(MatchRoute, UnknownShapesAreNotFound) {
  for (const std::string& path :
       {std::string("/"), std::string("/update/identities/x"), kBase + "/pinterest/pin/1",
        kBase + "/pinterest/board/1.json", kBase + "/facebook/page/12/story/1.json",
        kBase + "/twitter/post/1/2.json", kBase + "/facebook/post/1.json"}) {
    EXPECT_TRUE(std::holds_alternative<UnknownPath>(match_route(path))) << path;
  }
}

TEST(MatchRoute, MalformedIdsAreBadRequests) {
  for (const std::string& path :
       {std::string("/update/identities/not-a-uuid/twitter/post/1.json"),
        kBase + "/twitter/post/...json", kBase + "/twitter/post/a%2Fb.json",
        kBase + "/facebook/page/../post/1.json"}) {
    EXPECT_TRUE(std::holds_alternative<BadId>(match_route(path))) << path;
  }
}

Route route_of(const std::string& path) { return std::get<Route>(match_route(path)); }

TEST(ObjectBook, DeleteOnceThenRepeatedAndMissingStayMissing) {
  ObjectBook book({"gone"});
  const Route pin = route_of(kBase + "/pinterest/pin/1.json");
  EXPECT_EQ(book.remove(pin), Change::kApplied);
  EXPECT_EQ(book.remove(pin), Change::kRepeated);
  EXPECT_EQ(book.update(pin, R"({"link":"x"})"), Change::kNotFound);
  EXPECT_EQ(book.remove(route_of(kBase + "/pinterest/pin/gone.json")), Change::kNotFound);
  // The same id under another target or identity is another object.
  EXPECT_EQ(book.remove(route_of(kBase + "/twitter/post/1.json")), Change::kApplied);
}

TEST(ObjectBook, TheSameUpdateTwiceIsARepeat) {
  ObjectBook book({});
  const Route pin = route_of(kBase + "/pinterest/pin/1.json");
  EXPECT_EQ(book.update(pin, R"({"link":"a"})"), Change::kApplied);
  EXPECT_EQ(book.update(pin, R"({"link":"a"})"), Change::kRepeated);
  EXPECT_EQ(book.update(pin, R"({"link":"b"})"), Change::kApplied);
}

TEST(CheckUpdateBody, AcceptsTheDocumentedBodies) {
  EXPECT_TRUE(
      check_update_body(api::Target::kPinterestPin,
                        R"({"request":{"update":{"pin":{"board":"b","link":"https://x/"}}}})")
          .ok());
  auto post = check_update_body(
      api::Target::kFacebookPagePost,
      R"({"request":{"update":{"post":{"message":"Hello World!","attachments":[1234567890]}}}})");
  ASSERT_TRUE(post.ok()) << post.error().message;
  EXPECT_EQ(*post, R"({"message":"Hello World!","attachments":[1234567890]})");
}

TEST(CheckUpdateBody, RefusesWhatTheApiWouldRefuse) {
  const std::pair<api::Target, std::string> cases[] = {
      {api::Target::kPinterestPin, "not json"},
      {api::Target::kPinterestPin, R"({"request":{"update":{"post":{"message":"m"}}}})"},
      {api::Target::kPinterestPin, R"({"request":{"update":{"pin":{}}}})"},
      {api::Target::kPinterestPin, R"({"request":{"update":{"pin":{"message":"m"}}}})"},
      {api::Target::kPinterestPin, R"({"request":{"update":{"pin":{"link":7}}}})"},
      {api::Target::kFacebookPagePost,
       R"({"request":{"update":{"post":{"link":"https://x/","attachments":[1]}}}})"},
      {api::Target::kFacebookPagePost, R"({"request":{"update":{"post":{"attachments":[]}}}})"},
      {api::Target::kTwitterTweet, R"({"request":{"update":{"post":{"message":"m"}}}})"},
  };
  for (const auto& [target, body] : cases) {
    EXPECT_FALSE(check_update_body(target, body).ok()) << body;
  }
}

}  // namespace
}  // namespace oneall::sandbox
