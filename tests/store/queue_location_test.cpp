// parse_queue_location: what --db names (a SQLite path or a PostgreSQL URI), and the shown form
// of a URI, which never holds its password.
#include "store/queue_location.hpp"

#include <gtest/gtest.h>

namespace oneall::store {
namespace {

TEST(ParseQueueLocation, APathIsASqliteFileShownAsItIs) {
  for (const std::string path : {"oneall-bulk.db", "/var/lib/q.db", "postgresql.db", "./x://y"}) {
    auto location = parse_queue_location(path);
    ASSERT_TRUE(location.ok()) << path;
    EXPECT_EQ(location->kind, QueueLocation::Kind::kSqlite) << path;
    EXPECT_EQ(location->target, path);
    EXPECT_EQ(location->shown, path);
  }
}

struct UriCase {
  std::string name;  // for the test's name
  std::string uri;
  std::string shown;
};

class PostgresUri : public ::testing::TestWithParam<UriCase> {};

TEST_P(PostgresUri, IsPostgresAndShownWithoutItsPassword) {
  auto location = parse_queue_location(GetParam().uri);
  ASSERT_TRUE(location.ok()) << location.error().message;
  EXPECT_EQ(location->kind, QueueLocation::Kind::kPostgres);
  EXPECT_EQ(location->target, GetParam().uri) << "libpq connects with what was given";
  EXPECT_EQ(location->shown, GetParam().shown);
}

INSTANTIATE_TEST_SUITE_P(
    Uris, PostgresUri,
    ::testing::Values(
        UriCase{"plain", "postgresql://db.example/queue", "postgresql://db.example/queue"},
        UriCase{"user_and_port", "postgres://app@db.example:5433/queue",
                "postgres://app@db.example:5433/queue"},
        UriCase{"user_password", "postgresql://app:s3cret@db.example/queue",
                "postgresql://app:***@db.example/queue"},
        UriCase{"encoded_password_and_sslmode", "postgresql://app:p%40ss@db/q?sslmode=verify-full",
                "postgresql://app:***@db/q?sslmode=verify-full"},
        UriCase{"password_parameter", "postgresql:///queue?host=/run/pg&password=s3cret&user=app",
                "postgresql:///queue?host=/run/pg&password=***&user=app"},
        UriCase{"both_passwords", "postgresql://app:one@db/q?password=two",
                "postgresql://app:***@db/q?password=***"},
        UriCase{"bare_scheme", "postgresql://", "postgresql://"}),
    [](const ::testing::TestParamInfo<UriCase>& info) { return info.param.name; });

TEST(ParseQueueLocation, AMalformedUriIsAnErrorThatDoesNotShowThePassword) {
  auto location = parse_queue_location("postgresql://app:s3cret@db/q?nosuchoption=1");
  ASSERT_FALSE(location.ok());
  EXPECT_NE(location.error().message.find("not a valid PostgreSQL URI"), std::string::npos)
      << location.error().message;
  EXPECT_NE(location.error().message.find("nosuchoption"), std::string::npos)
      << location.error().message;
  EXPECT_EQ(location.error().message.find("s3cret"), std::string::npos) << location.error().message;
}

}  // namespace
}  // namespace oneall::store
