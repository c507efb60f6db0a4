// A database of its own for one test, in the suite's throw-away PostgreSQL cluster (started by
// ctest through scripts/pg_test_cluster.sh): created empty in the constructor, dropped with
// everything in it in the destructor. A test that needs PostgreSQL fails, never skips, when
// the cluster is missing: CI installs and starts it.
#pragma once

#include <string>

namespace oneall::testing {

class PgTestDatabase {
 public:
  PgTestDatabase();
  ~PgTestDatabase();
  PgTestDatabase(const PgTestDatabase&) = delete;
  PgTestDatabase& operator=(const PgTestDatabase&) = delete;

  const std::string& uri() const { return uri_; }  // postgresql:///NAME?host=...
  const std::string& name() const { return name_; }
  // The cluster's maintenance database, for what a test does beside its own database.
  static std::string admin_uri();

 private:
  std::string name_;
  std::string uri_;
};

}  // namespace oneall::testing
