#include "store/migrations.hpp"

#include <gtest/gtest.h>

#include "api/action.hpp"
#include "store/attempt_chain.hpp"
#include "store/job_keys.hpp"
#include "store/queue.hpp"
#include "store/store_test_helpers.hpp"
#include "support/temp_dir.hpp"
#include "support/test_lease.hpp"
#include "util/clock.hpp"

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

TEST_F(MigrationsTest, AVersionOneQueueIsUpgradedInPlaceAndKeepsItsAttempts) {
  // A queue as the first release wrote it, with one attempt in its log.
  const auto all = embedded_migrations();
  ASSERT_TRUE(migrate(db_, all.first(1)).ok());
  db_.exec(
      "INSERT INTO batches VALUES (1, 0, 'old.csv');"
      "INSERT INTO jobs (id, batch_id, job_key, object_key, source, op, target, identity, "
      "page_id, object_id, method, path, body, state, updated_at) VALUES (1, 1, 'k', 'o', "
      "'old.csv:2', 'delete', 'twitter.tweet', 'i', '', '1', 'DELETE', '/p', '', 'succeeded', 0);"
      "INSERT INTO runs (id, started_at, pid, options_json) VALUES (1, 0, 1, '{}');"
      "INSERT INTO attempts (run_id, job_id, attempt, started_at, ended_at, method, path, "
      "request_body, http_status, curl_error, retry_after, api_flag, api_info, response_body, "
      "response_truncated, outcome, note) VALUES (1, 1, 1, 0, 5, 'DELETE', '/p', '', 200, '', "
      "'', 'success', '', '', 0, 'succeeded', '')");

  SystemClock clock;
  auto queue = SqliteQueue::open(dir_.file("m.db"), clock);
  ASSERT_TRUE(queue.ok()) << queue.error().message;
  EXPECT_EQ(user_version(db_), all.back().version);
  auto rows = (*queue)->attempts({});
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].outcome, "succeeded");
  EXPECT_EQ((*rows)[0].requests_sent, 1);  // version 1 could not tell: taken as once
}

// Version 4 rebuilt the jobs table with compact keys: a queue written by version 3 keeps its jobs,
// still recognises them on a re-import, and still runs jobs on one object in file order.
TEST_F(MigrationsTest, AVersionThreeQueueGetsCompactKeysAndKeepsImportAndObjectOrder) {
  using namespace oneall::store::testing;
  const auto all = embedded_migrations();
  ASSERT_TRUE(migrate(db_, all.first(3)).ok());
  const std::vector<api::Action> actions = {pin_update("7", "https://a.example/"),
                                            tweet_delete("8"), pin_delete("7")};
  db_.exec("INSERT INTO batches VALUES (1, 0, 'old.csv')");
  {
    Statement insert(db_,
                     "INSERT INTO jobs (batch_id, job_key, object_key, source, op, target, "
                     "identity, page_id, object_id, method, path, body, updated_at) "
                     "VALUES (1, ?1, ?2, 'old.csv', ?3, ?4, ?5, '', ?6, ?7, ?8, ?9, 0)");
    for (const api::Action& action : actions) {
      const api::HttpRequest request = *api::render(action);
      insert
          .bind(1, api::job_key(action, request))  // as version 3 wrote them: hex text
          .bind(2, api::object_key(action))
          .bind(3, api::op_name(action.op))
          .bind(4, api::target_name(action.target))
          .bind(5, action.identity)
          .bind(6, action.object_id)
          .bind(7, request.method)
          .bind(8, request.path)
          .bind(9, request.body)
          .run();
    }
  }

  ManualClock clock;
  auto opened = SqliteQueue::open(dir_.file("m.db"), clock);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  SqliteQueue& queue = **opened;
  EXPECT_EQ(user_version(db_), all.back().version);
  EXPECT_EQ(query_text(queue, "SELECT group_concat(typeof(job_key) || length(job_key)) FROM jobs"),
            "blob16,blob16,blob16");
  EXPECT_EQ(query_int(queue, "SELECT object_hash FROM jobs WHERE id = 2"),
            object_hash(api::object_key(actions[1])));
  Statement foreign_keys(db_, "PRAGMA foreign_keys");
  ASSERT_TRUE(foreign_keys.step());
  EXPECT_EQ(foreign_keys.column_int(0), 1);  // on again after the rebuild

  // The same file imported again after the upgrade queues nothing new.
  const ImportSummary again = import_all(queue, actions);
  EXPECT_EQ(again.new_jobs, 0);
  EXPECT_EQ(again.duplicates, 3);

  // Pin 7's second job waits for its first; the tweet runs beside it.
  auto run = queue.begin_run("{}", oneall::testing::kTestLeaseMs);
  ASSERT_TRUE(run.ok()) << run.error().message;
  auto claimed = queue.claim(*run, 10, kLeaseMs);
  ASSERT_TRUE(claimed.ok()) << claimed.error().message;
  ASSERT_EQ(claimed->size(), 2u);
  EXPECT_EQ(claimed->at(0).job_id, 1);
  EXPECT_EQ(claimed->at(1).job_id, 2);
}

// Every attempt row's hash covers its stored values and links to the row before it, as
// `audit verify` checks (src/audit/chain_verify.cpp); returns the rows that checked out, or -1.
std::int64_t chained_rows(Database& db) {
  Statement select(
      db, "SELECT prev_hash, row_hash, " + chain_select_list() + " FROM attempts ORDER BY id");
  std::string prev(kChainGenesis);
  std::int64_t rows = 0;
  while (select.step()) {
    if (select.column_text(0) != prev) return -1;
    prev = chain_hash(read_chain_values(select, 2), prev);
    if (select.column_text(1) != prev) return -1;
    ++rows;
  }
  return rows;
}

// Version 5 rebuilt jobs and attempts to write their CHECK constraints without IN lists: a
// queue written by version 4 keeps every job and attempt row (the audit chain still holds), its
// constraints still refuse what they refused, and it runs on.
TEST_F(MigrationsTest, AVersionFourQueueKeepsItsJobsAndItsChainedLogAndRunsOn) {
  using namespace oneall::store::testing;
  const auto all = embedded_migrations();
  ASSERT_TRUE(migrate(db_, all.first(4)).ok());
  db_.exec(
      "INSERT INTO batches VALUES (1, 0, 'old.csv');"
      "INSERT INTO jobs (id, batch_id, job_key, object_hash, source, op, target, identity, "
      "page_id, object_id, method, path, body, state, attempts, updated_at) VALUES "
      "(1, 1, x'01', 7, 'old.csv:2', 'delete', 'twitter.tweet', 'i', '', '1', 'DELETE', '/a', "
      "'', 'succeeded', 1, 0),"
      "(2, 1, x'02', 8, 'old.csv:3', 'update', 'pinterest.pin', 'i', '', '2', 'PUT', '/b', "
      "'{}', 'pending', 1, 0);"
      "INSERT INTO runs (id, started_at, pid, options_json) VALUES (1, 0, 1, '{}');"
      "INSERT INTO attempts (run_id, job_id, attempt, started_at, ended_at, method, path, "
      "request_body, http_status, curl_error, retry_after, api_flag, api_info, response_body, "
      "response_truncated, outcome, note, requests_sent) VALUES "
      "(1, 1, 1, 0, 5, 'DELETE', '/a', '', 200, '', '', 'success', '', 'ok', 0, 'succeeded', "
      "'', 1),"
      "(1, 2, 1, 0, 6, 'PUT', '/b', '{}', 503, '', '2', '', '', '', 0, 'retry', '', 2)");
  chain_unhashed_attempts(db_);  // as version 4 would have written them: chained
  ASSERT_EQ(chained_rows(db_), 2);

  ManualClock clock;
  auto opened = SqliteQueue::open(dir_.file("m.db"), clock);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  SqliteQueue& queue = **opened;
  EXPECT_EQ(user_version(db_), all.back().version);
  EXPECT_EQ(query_text(queue, "SELECT group_concat(id || state || attempts) FROM jobs"),
            "1succeeded1,2pending1");
  EXPECT_EQ(chained_rows(db_), 2);
  // Version 4's eight indexes, less jobs_by_key, which version 9 made the table job_keys, and
  // version 11's two of scheduled jobs; version 13 put four (ready, waiting, waiting by batch,
  // ended) in place of three (by state, due, due by batch).
  EXPECT_EQ(query_int(queue,
                      "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'index' AND "
                      "tbl_name IN ('jobs', 'attempts') AND sql IS NOT NULL"),
            10);
  EXPECT_EQ(query_text(queue, "SELECT group_concat(hex(job_key) || '>' || job_id) FROM job_keys"),
            "01>1,02>2");
  EXPECT_THROW(db_.exec("UPDATE jobs SET state = 'paused' WHERE id = 1"), SqliteError);
  EXPECT_THROW(db_.exec("UPDATE jobs SET op = 'create' WHERE id = 1"), SqliteError);
  EXPECT_THROW(db_.exec("UPDATE attempts SET outcome = 'maybe' WHERE id = 1"), SqliteError);
  Statement foreign_keys(db_, "PRAGMA foreign_keys");
  ASSERT_TRUE(foreign_keys.step());
  EXPECT_EQ(foreign_keys.column_int(0), 1);

  // The pending job runs on: its attempt continues the chain.
  auto run = queue.begin_run("{}", oneall::testing::kTestLeaseMs);
  ASSERT_TRUE(run.ok()) << run.error().message;
  auto claimed = queue.claim(*run, 10, kLeaseMs);
  ASSERT_TRUE(claimed.ok()) << claimed.error().message;
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ(claimed->at(0).job_id, 2);
  EXPECT_EQ(claimed->at(0).attempt, 2);
  AttemptRecord attempt;
  attempt.run_id = *run;
  attempt.job_id = 2;
  attempt.attempt = 2;
  attempt.method = "PUT";
  attempt.path = "/b";
  attempt.http_status = 200;
  attempt.outcome = "succeeded";
  auto finished = queue.finish(attempt, {JobState::kSucceeded, 0, ""});
  ASSERT_TRUE(finished.ok()) << finished.error().message;
  EXPECT_EQ(query_text(queue, "SELECT state FROM jobs WHERE id = 2"), "succeeded");
  EXPECT_EQ(chained_rows(db_), 3);
}

// Version 6 keeps a claimed job's lease in in_flight instead of its row: a job that a version-5
// run left running (the run died) is in flight after the upgrade, with its attempt and lease,
// and the next run closes that attempt as interrupted and sends the job again.
TEST_F(MigrationsTest, AJobAVersionFiveRunLeftRunningIsInFlightAfterTheUpgrade) {
  using namespace oneall::store::testing;
  const auto all = embedded_migrations();
  ASSERT_TRUE(migrate(db_, all.first(5)).ok());
  db_.exec(
      "INSERT INTO batches VALUES (1, 0, 'old.csv');"
      "INSERT INTO runs (id, started_at, pid, options_json) VALUES (1, 0, 1, '{}');"
      "INSERT INTO jobs (id, batch_id, job_key, object_hash, source, op, target, identity, "
      "page_id, object_id, method, path, body, state, attempts, run_id, claimed_at, "
      "lease_until, updated_at) VALUES "
      "(1, 1, x'01', 7, 'old.csv:2', 'update', 'pinterest.pin', 'i', '', '7', 'PUT', '/a', "
      "'{}', 'running', 2, 1, 3, 5, 0),"
      "(2, 1, x'02', 8, 'old.csv:3', 'delete', 'twitter.tweet', 'i', '', '8', 'DELETE', '/b', "
      "'', 'pending', 0, NULL, NULL, NULL, 0);");

  ManualClock clock;
  auto opened = SqliteQueue::open(dir_.file("m.db"), clock);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  SqliteQueue& queue = **opened;
  EXPECT_EQ(user_version(db_), all.back().version);
  EXPECT_EQ(query_text(queue,
                       "SELECT job_id || ':' || run_id || ':' || attempt || ':' || "
                       "claimed_at || ':' || lease_until FROM in_flight"),
            "1:1:2:3:5");
  EXPECT_EQ(query_text(queue,
                       "SELECT group_concat(id || state || attempts || "
                       "coalesce(run_id, claimed_at, lease_until, '-')) FROM jobs"),
            "1pending1-,2pending0-");
  auto status = queue.status();
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(status->by_state[JobState::kRunning], 1);
  EXPECT_EQ(status->by_state[JobState::kPending], 1);

  // Its lease ran out long ago: the next run closes the attempt and the job is due again.
  auto run = queue.begin_run("{}", oneall::testing::kTestLeaseMs);
  ASSERT_TRUE(run.ok()) << run.error().message;
  EXPECT_EQ(query_text(queue, "SELECT outcome || attempt || run_id FROM attempts"),
            "interrupted21");
  EXPECT_EQ(query_int(queue, "SELECT COUNT(*) FROM in_flight"), 0);
  EXPECT_EQ(query_text(queue, "SELECT state || attempts FROM jobs WHERE id = 1"), "pending2");
  auto claimed = queue.claim(*run, 10, kLeaseMs);
  ASSERT_TRUE(claimed.ok()) << claimed.error().message;
  ASSERT_EQ(claimed->size(), 2u);
  EXPECT_EQ(claimed->at(0).attempt, 3);
  EXPECT_EQ(claimed->at(1).attempt, 1);
}

TEST_F(MigrationsTest, AVersionSixQueueIsBoundToTheApiRootOfItsFirstRun) {
  using namespace oneall::store::testing;
  const auto all = embedded_migrations();
  // The trap schema 7 closes: a rehearsal on the sandbox, then a "real" run that sent nothing.
  ASSERT_TRUE(migrate(db_, all.first(6)).ok());
  db_.exec(
      "INSERT INTO runs (id, started_at, pid, options_json) VALUES "
      "(1, 0, 1, '{\"endpoint\":\"http://127.0.0.1:40001\",\"sandbox\":true}'),"
      "(2, 0, 1, '{\"endpoint\":\"https://site.api.oneall.com\",\"sandbox\":false}');");
  ManualClock clock;
  auto opened = SqliteQueue::open(dir_.file("m.db"), clock);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  auto bound = (*opened)->bind_api_root("https://site.api.oneall.com");
  ASSERT_TRUE(bound.ok()) << bound.error().message;
  EXPECT_EQ(*bound, "sandbox");
}

TEST_F(MigrationsTest, AVersionSixQueueRunForRealOnlyKeepsItsRootAndOneNeverRunIsUnbound) {
  using namespace oneall::store::testing;
  const auto all = embedded_migrations();
  ASSERT_TRUE(migrate(db_, all.first(6)).ok());
  db_.exec(
      "INSERT INTO runs (id, started_at, pid, options_json) VALUES "
      "(1, 0, 1, '{}'),"  // from before runs kept their options: says nothing
      "(2, 0, 1, '{\"endpoint\":\"https://site.api.oneall.com\",\"sandbox\":false}');");
  ManualClock clock;
  auto opened = SqliteQueue::open(dir_.file("m.db"), clock);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ((*opened)->status()->api_root, "https://site.api.oneall.com");

  oneall::testing::TempDir other;
  auto never_run = SqliteQueue::open(other.file("n.db"), clock);
  ASSERT_TRUE(never_run.ok());
  EXPECT_EQ((*never_run)->status()->api_root, std::nullopt);
}

// Version 9 moves the job keys from the index jobs_by_key into the table job_keys: a queue
// written by version 8, with jobs and a chained log, keeps every row, its chain verifies, its
// jobs are still found by key (importing them again adds nothing) and a new import numbers on.
TEST_F(MigrationsTest, AVersionEightQueueKeepsItsKeysAndChainAndImportsOn) {
  using namespace oneall::store::testing;
  const auto all = embedded_migrations();
  ASSERT_TRUE(migrate(db_, all.first(8)).ok());
  const api::Action first = tweet_delete("1");
  const api::Action second = tweet_delete("2");
  Statement insert_job(db_,
                       "INSERT INTO jobs (id, batch_id, job_key, object_hash, source, op, target, "
                       "identity, page_id, object_id, method, path, body, state, attempts, "
                       "updated_at) VALUES (?1, 1, ?2, ?3, ?4, 'delete', 'twitter.tweet', "
                       "?5, '', ?6, 'DELETE', ?7, '', ?8, ?9, 0)");
  db_.exec("INSERT INTO batches VALUES (1, 0, 'old.csv')");
  int id = 0;
  for (const api::Action* action : {&first, &second}) {
    ++id;
    const api::HttpRequest request = *api::render(*action);
    insert_job.bind(1, id)
        .bind_blob(2, stored_job_key(api::job_key(*action, request)))
        .bind(3, object_hash(api::object_key(*action)))
        .bind(4, "old.csv:" + std::to_string(id + 1))
        .bind(5, action->identity)
        .bind(6, action->object_id)
        .bind(7, request.path)
        .bind(8, id == 1 ? "succeeded" : "pending")
        .bind(9, id == 1 ? 1 : 0)
        .run();
  }
  db_.exec(
      "INSERT INTO runs (id, started_at, pid, options_json) VALUES (1, 0, 1, '{}');"
      "INSERT INTO attempts (run_id, job_id, attempt, started_at, ended_at, method, path, "
      "request_body, http_status, curl_error, retry_after, api_flag, api_info, response_body, "
      "response_truncated, outcome, note, requests_sent) VALUES "
      "(1, 1, 1, 0, 5, 'DELETE', '/a', '', 200, '', '', 'success', '', 'ok', 0, 'succeeded', "
      "'', 1)");
  chain_unhashed_attempts(db_);
  ASSERT_EQ(chained_rows(db_), 1);

  ManualClock clock;
  auto opened = SqliteQueue::open(dir_.file("m.db"), clock);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  SqliteQueue& queue = **opened;
  EXPECT_EQ(user_version(db_), all.back().version);
  EXPECT_EQ(chained_rows(db_), 1);
  EXPECT_EQ(query_int(queue, "SELECT COUNT(*) FROM sqlite_schema WHERE name = 'jobs_by_key'"), 0);
  EXPECT_EQ(query_int(queue,
                      "SELECT COUNT(*) FROM job_keys AS k JOIN jobs AS j "
                      "ON j.id = k.job_id AND j.job_key = k.job_key"),
            2);

  const ImportSummary again = import_all(queue, {first, second, tweet_delete("3")});
  EXPECT_EQ(again.new_jobs, 1);
  EXPECT_EQ(again.duplicates, 2);
  const std::map<JobState, std::int64_t> expected = {{JobState::kSucceeded, 1},
                                                     {JobState::kPending, 1}};
  EXPECT_EQ(again.duplicates_by_state, expected);
  EXPECT_EQ(query_text(queue, "SELECT group_concat(id || ':' || object_id) FROM jobs"),
            "1:1,2:2,3:3");
  EXPECT_EQ(chained_rows(db_), 1);
}

}  // namespace
}  // namespace oneall::store
