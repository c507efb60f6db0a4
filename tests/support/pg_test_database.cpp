#include "support/pg_test_database.hpp"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <memory>
#include <stdexcept>

namespace oneall::testing {
namespace {

struct Finish {
  void operator()(PGconn* connection) const { PQfinish(connection); }
};
struct Clear {
  void operator()(PGresult* result) const { PQclear(result); }
};

// Runs one statement on the maintenance database; a failure is a test setup error.
void admin_exec(const std::string& sql) {
  std::unique_ptr<PGconn, Finish> connection(PQconnectdb(PgTestDatabase::admin_uri().c_str()));
  if (PQstatus(connection.get()) != CONNECTION_OK) {
    throw std::runtime_error("cannot reach the test cluster: " +
                             std::string(PQerrorMessage(connection.get())));
  }
  std::unique_ptr<PGresult, Clear> result(PQexec(connection.get(), sql.c_str()));
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
    throw std::runtime_error(sql + ": " + PQerrorMessage(connection.get()));
  }
}

}  // namespace

std::string PgTestDatabase::admin_uri() {
  std::ifstream state(ONEALL_PG_STATE);
  std::string uri;
  if (!std::getline(state, uri) || uri.empty()) {
    throw std::runtime_error("no test PostgreSQL cluster (" ONEALL_PG_STATE
                             " is missing): run the suite with ctest, "
                             "which starts it through scripts/pg_test_cluster.sh");
  }
  return uri;
}

PgTestDatabase::PgTestDatabase() {
  static std::atomic<int> counter{0};
  name_ = "oneall_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
  admin_exec("CREATE DATABASE " + name_);
  uri_ = admin_uri();
  const auto slash = uri_.find("/postgres?");
  uri_.replace(slash + 1, 8, name_);
}

PgTestDatabase::~PgTestDatabase() {
  try {
    admin_exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const std::exception& e) {
    ADD_FAILURE() << e.what();
  }
}

}  // namespace oneall::testing
