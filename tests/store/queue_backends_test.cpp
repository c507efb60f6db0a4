// Runs the Queue tests (QueueBackendTest, in the queue_*_test.cpp files of this folder) on each
// backend: the same behaviour through store::Queue, on a SQLite file and on PostgreSQL. What only
// the SQLite backend has is tested by QueueTest, on SQLite alone.
#include <gtest/gtest.h>

#include "store/store_test_helpers.hpp"

namespace oneall::store::testing {

INSTANTIATE_TEST_SUITE_P(Backends, QueueBackendTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres), backend_name);

}  // namespace oneall::store::testing
