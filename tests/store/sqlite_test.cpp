#include "store/sqlite.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "support/temp_dir.hpp"

namespace oneall::store {
namespace {

class SqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::make_unique<Database>(Database::open(dir_.file("t.db")));
    db_->exec("CREATE TABLE t (x INTEGER UNIQUE, s TEXT)");
  }
  std::int64_t rows() {
    Statement count(*db_, "SELECT COUNT(*) FROM t");
    EXPECT_TRUE(count.step());
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

TEST_F(SqliteTest, TransactionRollsBackWhenLeftByAnException) {
  try {
    Transaction transaction(*db_);
    db_->exec("INSERT INTO t VALUES (1, 'a')");
    db_->exec("INSERT INTO t VALUES (1, 'duplicate')");  // UNIQUE: throws
    transaction.commit();
    FAIL() << "the duplicate was accepted";
  } catch (const SqliteError&) {
  }
  EXPECT_EQ(rows(), 0);
  // The connection is usable again: no transaction is left open.
  Transaction again(*db_);
  again.commit();
}

TEST_F(SqliteTest, StatementIsReboundAndReused) {
  Statement insert(*db_, "INSERT INTO t VALUES (?1, ?2)");
  for (int i = 0; i < 3; ++i) insert.bind(1, i).bind(2, "row " + std::to_string(i)).run();
  insert.bind(1, 9).bind(2, std::nullopt).run();
  EXPECT_EQ(rows(), 4);
  EXPECT_EQ(db_->last_insert_rowid(), 4);
  EXPECT_EQ(db_->changes(), 1);
  Statement select(*db_, "SELECT x, s FROM t WHERE x = ?1");
  select.bind(1, 2);
  ASSERT_TRUE(select.step());
  EXPECT_EQ(select.column_text(1), "row 2");
  EXPECT_FALSE(select.step());
  select.reset();
  select.bind(1, 9);
  ASSERT_TRUE(select.step());
  EXPECT_TRUE(select.is_null(1));
  EXPECT_EQ(select.column_text(1), "");
  EXPECT_EQ(select.column_optional_int(0), 9);
}

TEST_F(SqliteTest, ResetClearsBindings) {
  Statement insert(*db_, "INSERT INTO t VALUES (?1, ?2)");
  insert.bind(1, 1).bind(2, "kept?").run();
  insert.bind(1, 2).run();  // ?2 not bound again: NULL, not the previous row's text
  Statement select(*db_, "SELECT s FROM t WHERE x = 2");
  ASSERT_TRUE(select.step());
  EXPECT_TRUE(select.is_null(0));
}

TEST_F(SqliteTest, TextKeepsEmbeddedNulsAndUtf8) {
  const std::string text = std::string("a\0b", 3) + " caf\xC3\xA9";
  Statement insert(*db_, "INSERT INTO t VALUES (1, ?1)");
  insert.bind(1, text).run();
  Statement select(*db_, "SELECT s FROM t");
  ASSERT_TRUE(select.step());
  EXPECT_EQ(select.column_text(0), text);
}

// A borrowed text is read in place when the statement runs, and run() lets go of it: the
// next row, bound afresh, stores its own text, and an unbound parameter is NULL again.
TEST_F(SqliteTest, ABorrowedTextIsStoredAsItWasWhenTheStatementRan) {
  Statement insert(*db_, "INSERT INTO t VALUES (?1, ?2)");
  std::string text = std::string("first\0row", 9);
  insert.bind(1, 1).bind_borrowed(2, text).run();
  text.assign("second");
  insert.bind(1, 2).bind_borrowed(2, text).run();
  text.assign("changed after the run");
  insert.bind(1, 3).run();
  Statement select(*db_, "SELECT s FROM t ORDER BY x");
  ASSERT_TRUE(select.step());
  EXPECT_EQ(select.column_text(0), std::string("first\0row", 9));
  ASSERT_TRUE(select.step());
  EXPECT_EQ(select.column_text(0), "second");
  ASSERT_TRUE(select.step());
  EXPECT_TRUE(select.is_null(0));
}

// Opening a database configures SQLite first, before its first use in the process: memory
// statistics off, so allocations take no process-wide mutex (sqlite3_memory_used then stays 0).
TEST_F(SqliteTest, SqliteKeepsNoMemoryStatistics) {
  db_->exec("INSERT INTO t VALUES (1, 'a row, so that SQLite has allocated memory')");
  EXPECT_EQ(sqlite3_memory_used(), 0);
}

TEST_F(SqliteTest, StatementIsUsableAfterAFailedStep) {
  Statement insert(*db_, "INSERT INTO t VALUES (?1, 'x')");
  insert.bind(1, 1).run();
  EXPECT_THROW(insert.bind(1, 1).run(), SqliteError);
  insert.bind(1, 2).run();
  EXPECT_EQ(rows(), 2);
}

TEST_F(SqliteTest, ErrorsCarryTheStatementAndSqlitesReason) {
  try {
    Statement bad(*db_, "SELECT nope FROM t");
    FAIL() << "prepared a bad statement";
  } catch (const SqliteError& e) {
    EXPECT_NE(std::string(e.what()).find("SELECT nope FROM t"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("no such column"), std::string::npos) << e.what();
  }
  try {
    db_->exec("INSERT INTO missing VALUES (1)");
    FAIL() << "ran a bad statement";
  } catch (const SqliteError& e) {
    EXPECT_NE(std::string(e.what()).find("INSERT INTO missing"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("no such table: missing"), std::string::npos) << e.what();
  }
  Statement insert(*db_, "INSERT INTO t VALUES (1, 'x')");
  insert.run();
  try {
    insert.run();
    FAIL() << "inserted a duplicate";
  } catch (const SqliteError& e) {
    EXPECT_NE(std::string(e.what()).find("UNIQUE constraint failed"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("INSERT INTO t"), std::string::npos) << e.what();
  }
}

TEST_F(SqliteTest, AStatementHoldsExactlyOneStatement) {
  EXPECT_THROW(
      (void)Statement(*db_, "INSERT INTO t VALUES (1, 'a'); INSERT INTO t VALUES (2, 'b')"),
      SqliteError);
  EXPECT_THROW((void)Statement(*db_, "  "), SqliteError);
  EXPECT_EQ(rows(), 0);
  Statement trailing_space(*db_, "SELECT 1;  \n");
  EXPECT_TRUE(trailing_space.step());
}

TEST_F(SqliteTest, ForeignKeysAreEnforced) {
  db_->exec(
      "CREATE TABLE parent (id INTEGER PRIMARY KEY);"
      "CREATE TABLE child (parent_id INTEGER REFERENCES parent(id))");
  EXPECT_THROW(db_->exec("INSERT INTO child VALUES (42)"), SqliteError);
}

TEST_F(SqliteTest, StatementsSurviveMovingTheirDatabase) {
  Statement insert(*db_, "INSERT INTO t VALUES (?1, 'x')");
  Database moved = std::move(*db_);
  insert.bind(1, 1).run();
  try {
    insert.bind(1, 1).run();
    FAIL() << "inserted a duplicate";
  } catch (const SqliteError& e) {
    EXPECT_NE(std::string(e.what()).find("UNIQUE"), std::string::npos) << e.what();
  }
  db_ = std::make_unique<Database>(std::move(moved));
  EXPECT_EQ(rows(), 1);
}

TEST(SqliteOpen, SaysWhichFileCannotBeOpened) {
  try {
    Database::open("/nonexistent-dir/t.db");
    FAIL() << "opened a file in a missing directory";
  } catch (const SqliteError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/t.db"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace oneall::store
