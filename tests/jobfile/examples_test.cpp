// The sample job files under jobs/examples/ (used by the README and the end-to-end tests) are
// valid, and the YAML and CSV forms of the same jobs give equal Actions.
#include <gtest/gtest.h>

#include <set>

#include "read_helpers.hpp"
#include "support/temp_dir.hpp"

namespace oneall::jobfile {
namespace {

using testing::read;

const std::string kExamples = std::string(ONEALL_SOURCE_DIR) + "/jobs/examples/";

TEST(ExamplesTest, CleanupYamlIsValidAndUsesAllFiveTargets) {
  const auto result = read(kExamples + "cleanup.yaml");
  ASSERT_TRUE(result.diagnostics.empty()) << result.all_messages();
  std::set<api::Target> targets;
  std::set<api::Op> ops;
  for (const JobRecord& record : result.records) {
    targets.insert(record.action.target);
    ops.insert(record.action.op);
  }
  EXPECT_EQ(targets.size(), 5u);
  EXPECT_EQ(ops.size(), 2u);
}

TEST(ExamplesTest, RepointPinsCsvIsValidPinUpdatesOfTheLink) {
  const auto result = read(kExamples + "repoint-pins.csv");
  ASSERT_TRUE(result.diagnostics.empty()) << result.all_messages();
  ASSERT_GE(result.records.size(), 8u);
  for (const JobRecord& record : result.records) {
    EXPECT_EQ(record.action.op, api::Op::kUpdate);
    EXPECT_EQ(record.action.target, api::Target::kPinterestPin);
    EXPECT_TRUE(record.action.fields.link.has_value());
  }
}

TEST(ExamplesTest, YamlAndCsvFormsOfTheSameJobsAreEqual) {
  oneall::testing::TempDir dir;
  const auto yaml = read(dir.write("jobs.yaml", R"(defaults:
  identity: 2af20011-8965-471b-8f6b-8b66a611aae6
jobs:
  - {op: delete, target: facebook.page.post, page_id: "1234", object_id: "1234_5678"}
  - op: update
    target: facebook.page.post
    page_id: 1234
    object_id: 1234_5600
    set:
      message: "Thanks, \"everyone\"\nSee you!"
      attachments: [1234567890, 22]
  - {op: delete, target: facebook.page.picture, page_id: "1234", object_id: "1020304050"}
  - {op: delete, target: facebook.page.video, page_id: "1234", object_id: "6070809010"}
  - op: update
    target: pinterest.pin
    object_id: 352969689546669253
    set: {board: photos, description: "Photo of the stadium", link: "https://www.fcbarcelona.com/"}
  - {op: delete, target: twitter.tweet, identity: 7c9e6679-7425-40de-944b-e07fc1f90ae7, object_id: 1456789}
)"));
  const auto csv = read(
      dir.write(
          "jobs.csv",
          "op,target,identity,page_id,object_id,board,description,link,message,attachments\r\n"
          "delete,facebook.page.post,,1234,1234_5678,,,,,\r\n"
          "update,facebook.page.post,,1234,1234_5600,,,,\"Thanks, \"\"everyone\"\"\nSee you!\","
          "1234567890 22\r\n"
          "delete,facebook.page.picture,,1234,1020304050,,,,,\r\n"
          "delete,facebook.page.video,,1234,6070809010,,,,,\r\n"
          "update,pinterest.pin,,,352969689546669253,photos,Photo of the stadium,"
          "https://www.fcbarcelona.com/,,\r\n"
          "delete,twitter.tweet,7c9e6679-7425-40de-944b-e07fc1f90ae7,,1456789,,,,,\r\n"),
      ReadOptions{.identity = testing::kIdentityA});
  ASSERT_TRUE(yaml.diagnostics.empty()) << yaml.all_messages();
  ASSERT_TRUE(csv.diagnostics.empty()) << csv.all_messages();
  ASSERT_EQ(yaml.records.size(), 6u);
  ASSERT_EQ(csv.records.size(), 6u);
  for (std::size_t i = 0; i < yaml.records.size(); ++i) {
    EXPECT_EQ(yaml.records[i].action, csv.records[i].action) << "job " << i + 1;
  }
  EXPECT_EQ(csv.records[1].action.fields.message, "Thanks, \"everyone\"\nSee you!");
  EXPECT_EQ(csv.records[2].pos.line, 5u);  // after the two-line message
}

}  // namespace
}  // namespace oneall::jobfile
