#include "store/migrations.hpp"

#include <gtest/gtest.h>

#include "support/temp_dir.hpp"

namespace oneall::store {
namespace {

int user_version(Database& db) {
  Statement version(db, "PRAGMA user_version");
  EXPECT_TRUE(version.step());
  return static_cast<int>(version.column_int(0));
}

bool has_table(Database& db, const std::string& name) {
  Statement select(db, "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1");
  select.bind(1, name);
  EXPECT_TRUE(select.step());
  return select.column_int(0) == 1;
}

class MigrationsTest : public ::testing::Test {
 protected:
  oneall::testing::TempDir dir_;
  Database db_ = Database::open(dir_.file("m.db"));
};

TEST_F(MigrationsTest, EmbeddedMigrationsAreNumberedInOrderFromOne) {
  const auto migrations = embedded_migrations();
  ASSERT_FALSE(migrations.empty());
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    EXPECT_EQ(migrations[i].version, static_cast<int>(i + 1)) << migrations[i].name;
  }
  EXPECT_STREQ(migrations[0].name, "001_initial.sql");
}

TEST_F(MigrationsTest, FreshDatabaseGetsTheLatestVersionAndReopeningIsANoOp) {
  ASSERT_TRUE(migrate(db_).ok());
  const int latest = embedded_migrations().back().version;
  EXPECT_EQ(user_version(db_), latest);
  for (const char* table : {"batches", "jobs", "runs", "attempts"}) {
    EXPECT_TRUE(has_table(db_, table)) << table;
  }
  // A second migrate must not try to create the tables again (that would fail).
  ASSERT_TRUE(migrate(db_).ok());
  EXPECT_EQ(user_version(db_), latest);
}

TEST_F(MigrationsTest, AppliesNewerStepsInOrder) {
  const Migration steps[] = {{1, "001_a.sql", "CREATE TABLE a (x);"},
                             {2, "002_b.sql", "ALTER TABLE a ADD COLUMN y; CREATE TABLE b (z);"},
                             {3, "003_c.sql", "INSERT INTO b SELECT y FROM a;"}};
  ASSERT_TRUE(migrate(db_, std::span(steps, 1)).ok());
  EXPECT_EQ(user_version(db_), 1);
  db_.exec("INSERT INTO a (x) VALUES (1)");
  ASSERT_TRUE(migrate(db_, steps).ok());  // 2 then 3; 1 is not applied again
  EXPECT_EQ(user_version(db_), 3);
  Statement select(db_, "SELECT COUNT(*) FROM b");
  ASSERT_TRUE(select.step());
  EXPECT_EQ(select.column_int(0), 1);
}

TEST_F(MigrationsTest, AFailedStepLeavesTheDatabaseAtThePreviousVersion) {
  const Migration steps[] = {{1, "001_a.sql", "CREATE TABLE a (x);"},
                             {2, "002_bad.sql", "CREATE TABLE c (x); SELECT * FROM missing;"}};
  auto result = migrate(db_, steps);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("002_bad.sql"), std::string::npos)
      << result.error().message;
  EXPECT_NE(result.error().message.find("no such table: missing"), std::string::npos)
      << result.error().message;
  EXPECT_EQ(user_version(db_), 1);
  EXPECT_TRUE(has_table(db_, "a"));
  EXPECT_FALSE(has_table(db_, "c"));  // step 2 rolled back whole
}

TEST_F(MigrationsTest, RefusesADatabaseFromANewerProgram) {
  db_.exec("PRAGMA user_version = 999");
  auto result = migrate(db_);
  ASSERT_FALSE(result.ok());
  const std::string& message = result.error().message;
  EXPECT_NE(message.find("newer oneall-bulk"), std::string::npos) << message;
  EXPECT_NE(message.find("999"), std::string::npos) << message;
  EXPECT_NE(message.find(std::to_string(embedded_migrations().back().version)), std::string::npos)
      << message;
  EXPECT_EQ(user_version(db_), 999);
  EXPECT_FALSE(has_table(db_, "jobs"));  // nothing was guessed at
}

}  // namespace
}  // namespace oneall::store
