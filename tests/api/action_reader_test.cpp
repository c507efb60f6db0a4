// api::ActionReader: each target's Action read back from its rendered request, and a stored
// request that no Action renders to refused with the reason, never read as something else.
#include "api/action_reader.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace oneall::api {
namespace {

constexpr const char* kIdentity = "2af20011-8965-471b-8f6b-8b66a611aae6";

Action base(Op op, Target target, const std::string& object_id) {
  Action action;
  action.op = op;
  action.target = target;
  action.identity = kIdentity;
  if (target_info(target).under_page) action.page_id = "page_1";
  action.object_id = object_id;
  return action;
}

QueuedAction queued(const Action& action) {
  QueuedAction job;
  job.op = std::string(op_name(action.op));
  job.target = std::string(target_name(action.target));
  job.identity = action.identity;
  job.page_id = action.page_id;
  job.object_id = action.object_id;
  Result<HttpRequest> request = render(action);
  EXPECT_TRUE(request.ok()) << request.error().message;
  if (request) job.request = *request;
  return job;
}

PictureId picture(const char* digits) { return PictureId::parse(digits).value(); }

TEST(ActionReader, ReadsBackEveryTargetAndEverySettableField) {
  std::vector<Action> actions;
  for (const TargetInfo& info : all_targets())
    actions.push_back(base(Op::kDelete, info.target, "1"));
  Action pin = base(Op::kUpdate, Target::kPinterestPin, "352969689546669253");
  pin.fields.board = "photos, \"2026\"";
  pin.fields.description = "line one\nline two\t\u00e9\u2713 \\ / \x01";
  pin.fields.link = "https://www.fcbarcelona.com/?a=1&b=2";
  actions.push_back(pin);
  Action post_link = base(Op::kUpdate, Target::kFacebookPagePost, "1234_5678");
  post_link.fields.message = " spaces at both ends ";
  post_link.fields.link = "http://example.com/";
  actions.push_back(post_link);
  Action post_pictures = base(Op::kUpdate, Target::kFacebookPagePost, "1234_5679");
  post_pictures.fields.attachments =
      std::vector<PictureId>{picture("101"), picture("9223372036854775807")};
  actions.push_back(post_pictures);

  ActionReader reader;
  for (const Action& action : actions) {
    Result<Action> back = reader.read(queued(action));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, action) << queued(action).request.body;
  }
}

TEST(ActionReader, RefusesARequestNoActionRendersTo) {
  Action pin = base(Op::kUpdate, Target::kPinterestPin, "7");
  pin.fields.board = "b";
  const QueuedAction good = queued(pin);
  struct Case {
    const char* name;
    std::string body;
    const char* why;
  } cases[] = {
      {"not JSON", "{", "is not JSON"},
      {"another shape", R"({"request":{"delete":{}}})", "expected \"update\""},
      {"a post's body on a pin", R"({"request":{"update":{"post":{"board":"b"}}}})",
       "expected \"pin\""},
      {"a field no job file gives", R"({"request":{"update":{"pin":{"colour":"red"}}}})",
       "sets 'colour'"},
      {"a number for text", R"({"request":{"update":{"pin":{"board":7}}}})",
       "sets board to something else than text"},
      {"keys out of order",
       R"({"request":{"update":{"pin":{"link":"https://a.example/","board":"b"}}}})",
       "do not render to the request it holds"},
      {"a field the target refuses", R"({"request":{"update":{"pin":{"message":"m"}}}})",
       "its fields are refused"},
      {"a picture id that is no id", R"({"request":{"update":{"post":{"attachments":[0]}}}})", ""},
  };
  ActionReader reader;
  for (const Case& c : cases) {
    QueuedAction job = good;
    job.request.body = c.body;
    if (std::string(c.name) == "a picture id that is no id") {
      job.target = "facebook.page.post";
      job.page_id = "1";
      job.request.path =
          "/update/identities/" + std::string(kIdentity) + "/facebook/page/1/post/7.json";
    }
    Result<Action> back = reader.read(job);
    ASSERT_FALSE(back.ok()) << c.name;
    EXPECT_NE(back.error().message.find(c.why), std::string::npos)
        << c.name << ": " << back.error().message;
  }

  QueuedAction moved = good;
  moved.request.path += "x";
  EXPECT_FALSE(reader.read(moved).ok()) << "a path the ids do not make";
  QueuedAction method = good;
  method.request.method = "DELETE";
  EXPECT_FALSE(reader.read(method).ok()) << "a method the op does not make";
  QueuedAction op = good;
  op.op = "replace";
  EXPECT_FALSE(reader.read(op).ok());
  QueuedAction target = good;
  target.target = "myspace.post";
  EXPECT_FALSE(reader.read(target).ok());
}

}  // namespace
}  // namespace oneall::api
