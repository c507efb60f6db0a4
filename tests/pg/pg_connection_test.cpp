// The libpq owners (store/pg.*) against a real PostgreSQL 15 (the suite's throw-away cluster):
// statements with parameters and NULLs, transactions that roll back unless committed, errors
// with their SQLSTATE, and connection failures as one line that never shows the password.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "store/pg.hpp"
#include "support/pg_test_database.hpp"

namespace oneall::store {
namespace {

class PgConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto connected = PgConnection::connect(database_.uri());
    ASSERT_TRUE(connected.ok()) << connected.error().message;
    connection_.emplace(std::move(connected).value());
    connection_->exec("CREATE TABLE t (id BIGINT PRIMARY KEY, body TEXT)");
  }

  std::int64_t count() { return connection_->query("SELECT COUNT(*) FROM t").integer(0, 0); }

  oneall::testing::PgTestDatabase database_;
  std::optional<PgConnection> connection_;
};

TEST_F(PgConnectionTest, ParametersAndNullsGoInAndComeBackAsTheyWere) {
  const std::int64_t big = std::numeric_limits<std::int64_t>::max();
  const std::string text = "Zwei Zeilen\n\"quoted\" ü 😀 ' ; DROP TABLE t; --";
  auto inserted = connection_->query("INSERT INTO t VALUES ($1, $2), ($3, $4)",
                                     {big, text, std::int64_t{-1}, std::nullopt});
  EXPECT_EQ(inserted.affected(), 2);
  auto rows = connection_->query("SELECT id, body FROM t ORDER BY id");
  ASSERT_EQ(rows.size(), 2);
  EXPECT_EQ(rows.integer(0, 0), -1);
  EXPECT_TRUE(rows.is_null(0, 1));
  EXPECT_EQ(rows.optional_integer(0, 0), -1);
  EXPECT_EQ(rows.integer(1, 0), big);
  EXPECT_EQ(rows.text(1, 1), text);
}

TEST_F(PgConnectionTest, ATransactionRollsBackUnlessCommitted) {
  {
    PgTransaction transaction(*connection_);
    connection_->query("INSERT INTO t VALUES (1, 'a')");
  }
  EXPECT_EQ(count(), 0);
  {
    PgTransaction transaction(*connection_);
    connection_->query("INSERT INTO t VALUES (1, 'a')");
    transaction.commit();
  }
  EXPECT_EQ(count(), 1);
}

TEST_F(PgConnectionTest, AFailedStatementThrowsItsSqlstateInOneLine) {
  connection_->query("INSERT INTO t VALUES (1, 'a')");
  try {
    connection_->query("INSERT INTO t VALUES (1, 'again')");
    FAIL() << "a duplicate key was accepted";
  } catch (const PgError& e) {
    EXPECT_EQ(e.sqlstate(), "23505");  // unique_violation
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("duplicate key"), std::string::npos) << e.what();
  }
  EXPECT_THROW(connection_->exec("SELEC 1"), PgError);
  EXPECT_EQ(count(), 1) << "the connection is usable after a failure";
}

TEST(PgConnect, AnUnreachableServerIsOneLineNamingTheCause) {
  auto connected = PgConnection::connect(
      "postgresql://oneall:s3cret-pw@/postgres?host=/nonexistent-dir&port=5432");
  ASSERT_FALSE(connected.ok());
  const std::string& message = connected.error().message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  EXPECT_NE(message.find("cannot connect to PostgreSQL"), std::string::npos) << message;
  EXPECT_NE(message.find("No such file or directory"), std::string::npos) << message;
  EXPECT_EQ(message.find("s3cret-pw"), std::string::npos) << message;
}

TEST(PgConnect, ARefusedLoginIsOneLineAndNeverShowsThePassword) {
  std::string uri = oneall::testing::PgTestDatabase::admin_uri();
  uri.replace(uri.find("user=oneall"), 11, "user=nobody&password=s3cret-pw");
  auto connected = PgConnection::connect(uri);
  ASSERT_FALSE(connected.ok());
  const std::string& message = connected.error().message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  EXPECT_NE(message.find("\"nobody\" does not exist"), std::string::npos) << message;
  EXPECT_EQ(message.find("FATAL"), std::string::npos) << "the cause, not the level: " << message;
  EXPECT_EQ(message.find("s3cret-pw"), std::string::npos) << message;
}

}  // namespace
}  // namespace oneall::store
