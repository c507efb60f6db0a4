// not_before / expires_at as the readers take them: per job and from `defaults` in YAML, as
// columns in CSV, as UTC ms whatever offset they were written with; a job without them has none.
#include <gtest/gtest.h>

#include "read_helpers.hpp"
#include "support/temp_dir.hpp"

namespace oneall::jobfile {
namespace {

using testing::read;

constexpr EpochMs kNewYearsEveUtc = 1'798'758'000'000;  // 2026-12-31T23:00:00Z
constexpr EpochMs kHour = 3'600'000;

TEST(ScheduleFieldsTest, YamlJobsTakeTheirOwnTimesOverTheDefaults) {
  oneall::testing::TempDir dir;
  const auto result = read(dir.write("jobs.yaml", R"(defaults:
  op: delete
  target: twitter.tweet
  identity: 2af20011-8965-471b-8f6b-8b66a611aae6
  not_before: 2027-01-01T00:00:00+01:00
jobs:
  - object_id: "1"
  - object_id: "2"
    not_before: "2026-12-31T22:00:00Z"
    expires_at: 2026-12-31t23:30:00.250z
)"));
  ASSERT_TRUE(result.diagnostics.empty()) << result.all_messages();
  ASSERT_EQ(result.records.size(), 2u);
  EXPECT_EQ(result.records[0].schedule.not_before, kNewYearsEveUtc);
  EXPECT_FALSE(result.records[0].schedule.expires_at);
  EXPECT_EQ(result.records[1].schedule.not_before, kNewYearsEveUtc - kHour);
  EXPECT_EQ(result.records[1].schedule.expires_at, kNewYearsEveUtc + kHour / 2 + 250);
}

TEST(ScheduleFieldsTest, AJobWithoutTimesHasNoSchedule) {
  oneall::testing::TempDir dir;
  const auto result = read(dir.write("jobs.yaml", R"(jobs:
  - {op: delete, target: twitter.tweet, identity: 2af20011-8965-471b-8f6b-8b66a611aae6, object_id: "1"}
)"));
  ASSERT_EQ(result.records.size(), 1u) << result.all_messages();
  EXPECT_EQ(result.records[0].schedule, api::Schedule{});
}

TEST(ScheduleFieldsTest, ABadDefaultTimeIsReportedOnceForAllItsJobs) {
  oneall::testing::TempDir dir;
  const auto result = read(dir.write("jobs.yaml", R"(defaults:
  op: delete
  target: twitter.tweet
  identity: 2af20011-8965-471b-8f6b-8b66a611aae6
  not_before: 2027-01-01T00:00:00Z
  expires_at: 2026-01-01T00:00:00Z
jobs:
  - object_id: "1"
  - object_id: "2"
)"));
  EXPECT_TRUE(result.records.empty());
  ASSERT_EQ(result.diagnostics.size(), 1u) << result.all_messages();
  EXPECT_EQ(result.diagnostics[0].pos.line, 6u);
  EXPECT_EQ(result.diagnostics[0].field, "expires_at");
}

TEST(ScheduleFieldsTest, CsvColumnsAreOptionalAndEmptyCellsMeanNone) {
  oneall::testing::TempDir dir;
  const auto result =
      read(dir.write("jobs.csv",
                     "op,target,identity,object_id,not_before,expires_at\n"
                     "delete,twitter.tweet,2af20011-8965-471b-8f6b-8b66a611aae6,1,"
                     "2026-12-31T23:00:00Z,2027-01-01T00:00:00Z\n"
                     "delete,twitter.tweet,2af20011-8965-471b-8f6b-8b66a611aae6,2,,\n"));
  ASSERT_TRUE(result.diagnostics.empty()) << result.all_messages();
  ASSERT_EQ(result.records.size(), 2u);
  EXPECT_EQ(result.records[0].schedule.not_before, kNewYearsEveUtc);
  EXPECT_EQ(result.records[0].schedule.expires_at, kNewYearsEveUtc + kHour);
  EXPECT_EQ(result.records[1].schedule, api::Schedule{});
}

}  // namespace
}  // namespace oneall::jobfile
