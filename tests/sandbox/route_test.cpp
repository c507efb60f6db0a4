// match_route: which of the five resources a path names, which it does not know (404) and
// which it knows but refuses for a malformed id (400). Paths are as sent, still %-encoded.
#include "sandbox/route.hpp"

#include <gtest/gtest.h>

namespace oneall::sandbox {
namespace {

const std::string kIdentity = "2af20011-8965-471b-8f6b-8b66a611aae6";
const std::string kBase = "/update/identities/" + kIdentity;

Route route_of(const std::string& path) {
  const RouteMatch match = match_route(path);
  EXPECT_TRUE(std::holds_alternative<Route>(match)) << path;
  return std::holds_alternative<Route>(match) ? std::get<Route>(match) : Route{};
}

TEST(MatchRoute, KnowsTheFiveResources) {
  struct Case {
    std::string path;
    api::Target target;
    std::string page_id, object_id;
  };
  const std::string longest(128, 'x');
  const Case cases[] = {
      {kBase + "/facebook/page/12/post/12_34.json", api::Target::kFacebookPagePost, "12", "12_34"},
      {kBase + "/facebook/page/12/post/34.json", api::Target::kFacebookPagePost, "12", "34"},
      {kBase + "/facebook/page/12/picture/5.json", api::Target::kFacebookPagePicture, "12", "5"},
      {kBase + "/facebook/page/12/video/6.json", api::Target::kFacebookPageVideo, "12", "6"},
      {kBase + "/pinterest/pin/352969689546669253.json", api::Target::kPinterestPin, "",
       "352969689546669253"},
      {kBase + "/twitter/post/1456789.json", api::Target::kTwitterTweet, "", "1456789"},
      {kBase + "/twitter/post/a.B-c_9.json", api::Target::kTwitterTweet, "", "a.B-c_9"},
      {kBase + "/twitter/post/" + longest + ".json", api::Target::kTwitterTweet, "", longest},
      {kBase + "/pinterest/pin/1.json.json", api::Target::kPinterestPin, "", "1.json"},
  };
  for (const auto& c : cases) {
    const Route route = route_of(c.path);
    EXPECT_EQ(route.target, c.target) << c.path;
    EXPECT_EQ(route.identity, kIdentity) << c.path;
    EXPECT_EQ(route.page_id, c.page_id) << c.path;
    EXPECT_EQ(route.object_id, c.object_id) << c.path;
  }
}

TEST(MatchRoute, UnknownShapesAreNotFound) {
  const std::string paths[] = {
      "/",
      "/update",
      "/update/identities/x",
      "/update/identities/" + kIdentity + ".json",
      kBase + "/pinterest/pin/1",
      kBase + "/pinterest/pin/1.JSON",
      kBase + "/pinterest/pin/1.json/",
      kBase + "/pinterest/board/1.json",
      kBase + "/pinterest/1.json",
      kBase + "/facebook/page/12/story/1.json",
      kBase + "/facebook/page/12/post.json",
      kBase + "/facebook/page/post/1.json",
      kBase + "/facebook/post/1.json",
      kBase + "/twitter/post/1/2.json",
      kBase + "/twitter/tweet/1.json",
      kBase + "/youtube/playlist/1.json",
      "/updates/identities/" + kIdentity + "/twitter/post/1.json",
      "/tools/ping.json",
  };
  for (const std::string& path : paths) {
    EXPECT_TRUE(std::holds_alternative<UnknownPath>(match_route(path))) << path;
  }
}

TEST(MatchRoute, MalformedIdsAreBadRequests) {
  struct Case {
    std::string path;
    std::string says;  // the part of the message that names the id
  };
  const Case cases[] = {
      {"/update/identities/not-a-uuid/twitter/post/1.json", "identity token"},
      {"/update/identities//twitter/post/1.json", "identity token"},
      {"/update/identities/2af20011-8965-471b-8f6b-8b66a611aae/twitter/post/1.json",
       "identity token"},
      {"/update/identities/2af20011x8965-471b-8f6b-8b66a611aae6/twitter/post/1.json",
       "identity token"},
      {kBase + "/twitter/post/...json", "object id"},  // the id is ".."
      {kBase + "/twitter/post/..json", "object id"},   // the id is "."
      {kBase + "/twitter/post/.json", "object id"},    // the id is empty
      {kBase + "/twitter/post/a%2Fb.json", "object id"},
      {kBase + "/twitter/post/a%2e%2e.json", "object id"},
      {kBase + "/twitter/post/a b.json", "object id"},
      {kBase + "/twitter/post/a\x01.json", "object id"},
      {kBase + "/pinterest/pin/\xc3\xa9.json", "object id"},
      {kBase + "/pinterest/pin/" + std::string(129, '1') + ".json", "object id"},
      {kBase + "/facebook/page/../post/1.json", "page id"},
      {kBase + "/facebook/page//post/1.json", "page id"},
      {kBase + "/facebook/page/1;2/video/1.json", "page id"},
  };
  for (const auto& c : cases) {
    const RouteMatch match = match_route(c.path);
    ASSERT_TRUE(std::holds_alternative<BadId>(match)) << c.path;
    EXPECT_NE(std::get<BadId>(match).message.find(c.says), std::string::npos)
        << c.path << ": " << std::get<BadId>(match).message;
  }
}

TEST(RouteObjectKey, NamesOneObjectByIdentityTargetPageAndId) {
  const std::string other_identity = "/update/identities/00000000-0000-0000-0000-000000000000";
  const std::string key = route_of(kBase + "/facebook/page/1/post/7.json").object_key();
  EXPECT_EQ(route_of(kBase + "/facebook/page/1/post/7.json").object_key(), key);
  for (const std::string& other :
       {kBase + "/facebook/page/2/post/7.json", kBase + "/facebook/page/1/picture/7.json",
        kBase + "/facebook/page/1/post/8.json", other_identity + "/facebook/page/1/post/7.json",
        kBase + "/twitter/post/7.json", kBase + "/pinterest/pin/7.json"}) {
    EXPECT_NE(route_of(other).object_key(), key) << other;
  }
}

}  // namespace
}  // namespace oneall::sandbox
