#include "store/sqlite.hpp"

#include <gtest/gtest.h>

#include "store/migrations.hpp"
#include "support/temp_dir.hpp"

namespace oneall::store {
namespace {

class SqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::make_unique<Database>(Database::open(dir_.file("t.db")));
    db_->exec("CREATE TABLE t (x INTEGER, s TEXT)");
  }
  std::int64_t rows() {
    Statement count(*db_, "SELECT COUNT(*) FROM t");
    count.step();
    return count.column_int(0);
  }
  oneall::testing::TempDir dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(SqliteTest, TransactionRollsBackUnlessCommitted) {
  {
    Transaction transaction(*db_);
    db_->exec("INSERT INTO t VALUES (1, 'a')");
  }
  EXPECT_EQ(rows(), 0);
  {
    Transaction transaction(*db_);
    db_->exec("INSERT INTO t VALUES (1, 'a')");
    transaction.commit();
  }
  EXPECT_EQ(rows(), 1);
}

TEST_F(SqliteTest, StatementIsReboundAndReused) {
  Statement insert(*db_, "INSERT INTO t VALUES (?1, ?2)");
  for (int i = 0; i < 3; ++i) insert.bind(1, i).bind(2, "row " + std::to_string(i)).run();
  insert.bind(1, 9).bind(2, std::nullopt).run();
  EXPECT_EQ(rows(), 4);
  Statement select(*db_, "SELECT x, s FROM t WHERE x = ?1");
  select.bind(1, 2);
  ASSERT_TRUE(select.step());
  EXPECT_EQ(select.column_text(1), "row 2");
  select.reset();
  select.bind(1, 9);
  ASSERT_TRUE(select.step());
  EXPECT_TRUE(select.is_null(1));
  EXPECT_EQ(select.column_optional_int(0), 9);
}

TEST_F(SqliteTest, ErrorsCarryTheStatement) {
  try {
    Statement bad(*db_, "SELECT nope FROM t");
    FAIL() << "prepared a bad statement";
  } catch (const SqliteError& e) {
    EXPECT_NE(std::string(e.what()).find("SELECT nope FROM t"), std::string::npos) << e.what();
  }
}

int user_version(Database& db) {
  Statement version(db, "PRAGMA user_version");
  version.step();
  return static_cast<int>(version.column_int(0));
}

TEST(Migrations, FreshDatabaseGetsTheLatestVersionAndReopeningIsANoOp) {
  oneall::testing::TempDir dir;
  Database db = Database::open(dir.file("m.db"));
  ASSERT_TRUE(migrate(db).ok());
  const int latest = embedded_migrations().back().version;
  EXPECT_EQ(user_version(db), latest);
  ASSERT_TRUE(migrate(db).ok());
  EXPECT_EQ(user_version(db), latest);
}

TEST(Migrations, AppliesNewerStepsInOrder) {
  oneall::testing::TempDir dir;
  Database db = Database::open(dir.file("m.db"));
  const Migration steps[] = {{1, "001_a.sql", "CREATE TABLE a (x);"},
                             {2, "002_b.sql", "ALTER TABLE a ADD COLUMN y; CREATE TABLE b (z);"}};
  ASSERT_TRUE(migrate(db, std::span(steps, 1)).ok());
  EXPECT_EQ(user_version(db), 1);
  ASSERT_TRUE(migrate(db, steps).ok());
  EXPECT_EQ(user_version(db), 2);
  db.exec("INSERT INTO a (x, y) VALUES (1, 2); INSERT INTO b VALUES (3)");
}

TEST(Migrations, AFailedStepLeavesTheDatabaseAtThePreviousVersion) {
  oneall::testing::TempDir dir;
  Database db = Database::open(dir.file("m.db"));
  const Migration steps[] = {{1, "001_a.sql", "CREATE TABLE a (x);"},
                             {2, "002_bad.sql", "CREATE TABLE c (x); SELECT * FROM missing;"}};
  auto result = migrate(db, steps);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(user_version(db), 1);
  EXPECT_THROW(db.exec("INSERT INTO c VALUES (1)"), SqliteError);  // step 2 rolled back whole
}

TEST(Migrations, RefusesADatabaseFromANewerProgram) {
  oneall::testing::TempDir dir;
  Database db = Database::open(dir.file("m.db"));
  db.exec("PRAGMA user_version = 999");
  auto result = migrate(db);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("newer oneall-bulk"), std::string::npos);
  EXPECT_NE(result.error().message.find("999"), std::string::npos);
}

}  // namespace
}  // namespace oneall::store
