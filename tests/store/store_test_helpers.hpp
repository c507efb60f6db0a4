// Builders shared by the store tests: actions for a handful of objects, an importer, and a
// fixture holding a real queue with a manual clock: QueueBackendTest on each backend in turn (a
// SQLite file in a temporary directory, or a database of its own in the suite's PostgreSQL
// cluster), QueueTest on a SQLite file alone.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "api/action.hpp"
#include "store/job_keys.hpp"
#include "store/pg_queue.hpp"
#include "store/sqlite_queue.hpp"
#include "support/pg_test_database.hpp"
#include "support/temp_dir.hpp"
#include "support/test_lease.hpp"
#include "util/clock.hpp"

namespace oneall::store::testing {

inline constexpr const char* kIdentity = "2af20011-8965-471b-8f6b-8b66a611aae6";
inline constexpr std::int64_t kLeaseMs = 60'000;

inline api::Action tweet_delete(const std::string& id) {
  api::Action action;
  action.op = api::Op::kDelete;
  action.target = api::Target::kTwitterTweet;
  action.identity = kIdentity;
  action.object_id = id;
  return action;
}

inline api::Action pin_update(const std::string& id, const std::string& link) {
  api::Action action;
  action.op = api::Op::kUpdate;
  action.target = api::Target::kPinterestPin;
  action.identity = kIdentity;
  action.object_id = id;
  action.fields.link = link;
  return action;
}

inline api::Action pin_delete(const std::string& id) {
  api::Action action = tweet_delete(id);
  action.target = api::Target::kPinterestPin;
  return action;
}

inline api::Action page_post_delete(const std::string& page_id, const std::string& id) {
  api::Action action = tweet_delete(id);
  action.target = api::Target::kFacebookPagePost;
  action.page_id = page_id;
  return action;
}

// Adds `actions` with sources "test.yaml:1", "test.yaml:2", ... and commits.
inline ImportSummary import_all(Queue& queue, const std::vector<api::Action>& actions,
                                const std::string& description = "test") {
  auto session = queue.begin_import(description);
  EXPECT_TRUE(session.ok()) << session.error().message;
  if (!session.ok()) return {};
  // All in one add_all, as `import` hands over its chunks (several jobs to a statement).
  std::vector<NewJob> jobs;
  Sha256 hasher;
  int line = 1;
  for (const auto& action : actions) {
    auto request = api::render(action);
    EXPECT_TRUE(request.ok()) << request.error().message;
    if (!request.ok()) return {};
    jobs.push_back(keyed_job(hasher, action, {}, *request, "test.yaml:" + std::to_string(line++)));
  }
  auto added = (*session)->add_all(jobs);
  EXPECT_TRUE(added.ok()) << added.error().message;
  auto summary = (*session)->commit();
  EXPECT_TRUE(summary.ok()) << summary.error().message;
  return summary.ok() ? *summary : ImportSummary{};
}

// One integer out of a SQLite queue's own connection (the SQLite backend's own tests).
inline std::int64_t query_int(Queue& queue, const std::string& sql) {
  auto* sqlite = dynamic_cast<SqliteQueue*>(&queue);
  if (sqlite == nullptr) {
    ADD_FAILURE() << "query_int reads a SQLite queue; use the fixture's sql_int";
    return -1;
  }
  Statement select(sqlite->database(), sql);
  EXPECT_TRUE(select.step()) << sql;
  return select.column_int(0);
}

inline std::string query_text(Queue& queue, const std::string& sql) {
  auto* sqlite = dynamic_cast<SqliteQueue*>(&queue);
  if (sqlite == nullptr) {
    ADD_FAILURE() << "query_text reads a SQLite queue; use the fixture's sql_text";
    return "";
  }
  Statement select(sqlite->database(), sql);
  EXPECT_TRUE(select.step()) << sql;
  return select.column_text(0);
}

enum class Backend { kSqlite, kPostgres };

inline std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
}

// How GoogleTest prints the parameter (instead of its bytes).
inline void PrintTo(Backend backend, std::ostream* out) {
  *out << (backend == Backend::kSqlite ? "SQLite" : "PostgreSQL");
}

// The fixture's helpers, on the backend it is made for.
class QueueFixture : public ::testing::Test {
 protected:
  explicit QueueFixture(Backend backend) : backend_(backend) {}

  void SetUp() override {
    if (on_postgres()) pg_.emplace();
    auto opened = open_again();
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    queue_ = std::move(*opened);
  }

  bool on_postgres() const { return backend_ == Backend::kPostgres; }
  std::string db_path() const { return dir_.file("queue.db"); }
  // Where the queue is: the file, or the test database's URI (which holds no password).
  std::string location() const { return on_postgres() ? pg_->uri() : db_path(); }

  // Another queue on the same storage, as a second process would open it.
  Result<std::unique_ptr<Queue>> open_again(QueueOpen how = QueueOpen::kCreateIfMissing) {
    if (on_postgres()) {
      auto queue = PgQueue::open(pg_->uri(), pg_->uri(), clock_, how);
      if (!queue) return queue.error();
      return std::unique_ptr<Queue>(std::move(queue).value());
    }
    auto queue = SqliteQueue::open(db_path(), clock_, how);
    if (!queue) return queue.error();
    return std::unique_ptr<Queue>(std::move(queue).value());
  }

  // SQL on the queue's own connection, for checking and changing what is stored. Both backends
  // take the same plain SQL; a test that needs a dialect's own asks on_postgres().
  void exec(const std::string& sql) {
    if (on_postgres()) {
      static_cast<PgQueue&>(*queue_).connection().exec(sql);
    } else {
      static_cast<SqliteQueue&>(*queue_).database().exec(sql);
    }
  }
  // The first row's columns as text (nullopt for NULL; PostgreSQL's booleans as 1 and 0).
  std::vector<std::optional<std::string>> sql_row(const std::string& sql) {
    std::vector<std::optional<std::string>> row;
    if (on_postgres()) {
      PgRows rows = static_cast<PgQueue&>(*queue_).connection().query(sql);
      EXPECT_GE(rows.size(), 1) << sql;
      for (int c = 0; rows.size() > 0 && c < rows.columns(); ++c) {
        if (rows.is_null(0, c)) {
          row.emplace_back();
        } else if (rows.is_boolean(c)) {
          row.emplace_back(rows.text(0, c) == "t" ? "1" : "0");
        } else {
          row.emplace_back(rows.text(0, c));
        }
      }
      return row;
    }
    Statement select(static_cast<SqliteQueue&>(*queue_).database(), sql);
    EXPECT_TRUE(select.step()) << sql;
    for (int c = 0; c < select.column_count(); ++c) {
      if (select.is_null(c)) {
        row.emplace_back();
      } else {
        row.emplace_back(select.column_text(c));
      }
    }
    return row;
  }
  std::int64_t sql_int(const std::string& sql) {
    auto row = sql_row(sql);
    return row.empty() || !row[0] ? -1 : std::stoll(*row[0]);
  }
  std::string sql_text(const std::string& sql) {
    auto row = sql_row(sql);
    return row.empty() || !row[0] ? "" : *row[0];
  }

  std::int64_t start_run() {
    auto run = queue_->begin_run("{}", oneall::testing::kTestLeaseMs);
    EXPECT_TRUE(run.ok()) << run.error().message;
    return run.ok() ? *run : 0;
  }

  std::vector<std::int64_t> claim_ids(std::int64_t run_id, std::size_t limit,
                                      std::optional<std::int64_t> batch = std::nullopt) {
    auto claimed = queue_->claim(run_id, limit, kLeaseMs, batch);
    EXPECT_TRUE(claimed.ok()) << claimed.error().message;
    std::vector<std::int64_t> ids;
    if (!claimed.ok()) return ids;
    for (const auto& job : *claimed) ids.push_back(job.job_id);
    return ids;
  }

  static AttemptRecord attempt_of(std::int64_t run_id, std::int64_t job_id, int http_status,
                                  const std::string& outcome) {
    AttemptRecord attempt;
    attempt.run_id = run_id;
    attempt.job_id = job_id;
    attempt.attempt = 1;
    attempt.method = "DELETE";
    attempt.path = "/p";
    attempt.http_status = http_status;
    attempt.outcome = outcome;
    return attempt;
  }

  // Records an attempt of a claimed job that leaves it in `state`.
  void finish(std::int64_t run_id, std::int64_t job_id, JobState state, int http_status = 200,
              EpochMs next_attempt_at = 0) {
    AttemptRecord attempt =
        attempt_of(run_id, job_id, http_status,
                   state == JobState::kPending ? "retry" : std::string(state_name(state)));
    attempt.started_at = clock_.now_ms();
    attempt.ended_at = clock_.now_ms();
    auto done = queue_->finish(attempt, {state, next_attempt_at, ""});
    ASSERT_TRUE(done.ok()) << done.error().message;
  }

  std::int64_t count(JobState state) {
    auto status = queue_->status();
    EXPECT_TRUE(status.ok()) << status.error().message;
    return status.ok() ? status->by_state[state] : -1;
  }

  // As users see it: a job in flight keeps 'pending' in its row (schema 6) and is running.
  std::string job_state(std::int64_t job_id) {
    return sql_text(
        "SELECT CASE WHEN EXISTS (SELECT 1 FROM in_flight WHERE job_id = jobs.id) "
        "THEN 'running' ELSE state END FROM jobs WHERE id = " +
        std::to_string(job_id));
  }

  Backend backend_;
  oneall::testing::TempDir dir_;
  ManualClock clock_;
  std::optional<oneall::testing::PgTestDatabase> pg_;  // before queue_: dropped after it closes
  std::unique_ptr<Queue> queue_;
};

// On both backends: the Queue's behaviour (queue_backends_test.cpp instantiates it).
class QueueBackendTest : public QueueFixture, public ::testing::WithParamInterface<Backend> {
 protected:
  QueueBackendTest() : QueueFixture(GetParam()) {}
};

// On SQLite alone: what only that backend has (pragmas, WAL, file modes, its busy timeout), and
// the tests of other layers that look into the file.
class QueueTest : public QueueFixture {
 protected:
  QueueTest() : QueueFixture(Backend::kSqlite) {}
};

}  // namespace oneall::store::testing
