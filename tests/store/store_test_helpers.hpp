// Builders shared by the store tests: actions for a handful of objects, and an importer.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "api/action.hpp"
#include "store/queue.hpp"

namespace oneall::store::testing {

inline constexpr const char* kIdentity = "2af20011-8965-471b-8f6b-8b66a611aae6";

inline api::Action tweet_delete(const std::string& id) {
  api::Action action;
  action.op = api::Op::kDelete;
  action.target = api::Target::kTwitterTweet;
  action.identity = kIdentity;
  action.object_id = id;
  return action;
}

inline api::Action pin_update(const std::string& id, const std::string& link) {
  api::Action action;
  action.op = api::Op::kUpdate;
  action.target = api::Target::kPinterestPin;
  action.identity = kIdentity;
  action.object_id = id;
  action.fields.link = link;
  return action;
}

inline api::Action pin_delete(const std::string& id) {
  api::Action action = tweet_delete(id);
  action.target = api::Target::kPinterestPin;
  return action;
}

inline ImportSummary import_all(Queue& queue, const std::vector<api::Action>& actions,
                                const std::string& description = "test") {
  auto session = queue.begin_import(description);
  EXPECT_TRUE(session.ok()) << session.error().message;
  int line = 1;
  for (const auto& action : actions) {
    auto request = api::render(action);
    EXPECT_TRUE(request.ok());
    auto added = (*session)->add(action, *request, "test.yaml:" + std::to_string(line++));
    EXPECT_TRUE(added.ok()) << added.error().message;
  }
  auto summary = (*session)->commit();
  EXPECT_TRUE(summary.ok()) << summary.error().message;
  return summary.ok() ? *summary : ImportSummary{};
}

}  // namespace oneall::store::testing
