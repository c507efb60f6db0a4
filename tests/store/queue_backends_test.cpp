// Runs the Queue tests (QueueTest, in the queue_*_test.cpp files of this folder) on each backend:
// the same behaviour through store::Queue, on a SQLite file and on PostgreSQL. What only the
// SQLite backend has is tested by SqliteQueueTest, on SQLite alone.
#include <gtest/gtest.h>

#include "store/store_test_helpers.hpp"

namespace oneall::store::testing {

INSTANTIATE_TEST_SUITE_P(Backends, QueueTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres), backend_name);
INSTANTIATE_TEST_SUITE_P(SqliteOnly, SqliteQueueTest, ::testing::Values(Backend::kSqlite),
                         backend_name);

}  // namespace oneall::store::testing
