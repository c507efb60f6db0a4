// Import: all-or-nothing sessions, idempotence by job key, and what is stored for each job.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "store/job_keys.hpp"
#include "store/queue.hpp"
#include "store/store_test_helpers.hpp"

namespace oneall::store {
namespace {

using namespace oneall::store::testing;

// A real failure of the database (no mocks): a trigger that refuses to add a job whose object is
// "bad", with 'disk says no'. On SQLite with RAISE(`sqlite_raise`): ABORT undoes the statement,
// FAIL keeps the rows it added before.
std::string refuse_bad_rows_sql(bool postgres, std::string_view sqlite_raise) {
  if (postgres) {
    return "CREATE FUNCTION refuse_bad() RETURNS trigger LANGUAGE plpgsql AS "
           "$$BEGIN RAISE EXCEPTION 'disk says no'; END$$; "
           "CREATE TRIGGER refuse_bad BEFORE INSERT ON jobs FOR EACH ROW "
           "WHEN (NEW.object_id = 'bad') EXECUTE FUNCTION refuse_bad()";
  }
  return "CREATE TRIGGER refuse_bad BEFORE INSERT ON jobs WHEN NEW.object_id = 'bad' "
         "BEGIN SELECT RAISE(" +
         std::string(sqlite_raise) + ", 'disk says no'); END";
}

TEST_P(QueueBackendTest, ImportCountsNewJobsAndIsIdempotent) {
  const std::vector<api::Action> actions = {tweet_delete("1"), tweet_delete("2"),
                                            pin_update("3", "https://a.example/")};
  const ImportSummary first = import_all(*queue_, actions);
  EXPECT_EQ(first.batch_id, 1);
  EXPECT_EQ(first.new_jobs, 3);
  EXPECT_EQ(first.duplicates, 0);

  const ImportSummary again = import_all(*queue_, actions);
  EXPECT_EQ(again.new_jobs, 0);
  EXPECT_EQ(again.duplicates, 3);
  EXPECT_EQ(again.batch_id, 0);  // no batch row for an import that added nothing
  EXPECT_EQ(queue_->status()->batches.size(), 1u);
  EXPECT_EQ(count(JobState::kPending), 3);
}

TEST_P(QueueBackendTest, ImportOfPartlyKnownJobsQueuesOnlyTheNewOnes) {
  import_all(*queue_, {tweet_delete("1"), tweet_delete("2")});
  const ImportSummary second =
      import_all(*queue_, {tweet_delete("2"), tweet_delete("3"), tweet_delete("3")});
  EXPECT_EQ(second.batch_id, 2);
  EXPECT_EQ(second.new_jobs, 1);
  EXPECT_EQ(second.duplicates, 2);  // one from the first batch, one repeated within this one
  EXPECT_EQ(count(JobState::kPending), 3);
  EXPECT_EQ(sql_int("SELECT batch_id FROM jobs WHERE object_id = '3'"), 2);
}

// A job listed twice in one import is queued once, and the jobs after the repeat keep ids
// without a gap, in file order (the SQLite import finds repeats only at commit and closes the
// gaps then).
TEST_P(QueueBackendTest, RepeatsWithinAnImportLeaveNoGapInTheIds) {
  const ImportSummary first = import_all(
      *queue_, {tweet_delete("1"), tweet_delete("2"), tweet_delete("1"), tweet_delete("3"),
                tweet_delete("2"), tweet_delete("2"), tweet_delete("4")});
  EXPECT_EQ(first.new_jobs, 4);
  EXPECT_EQ(first.duplicates, 3);
  const std::map<JobState, std::int64_t> pending_three = {{JobState::kPending, 3}};
  EXPECT_EQ(first.duplicates_by_state, pending_three);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM jobs"), 4);
  for (int id = 1; id <= 4; ++id) {
    EXPECT_EQ(sql_text("SELECT object_id FROM jobs WHERE id = " + std::to_string(id)),
              std::to_string(id));
    EXPECT_EQ(sql_text("SELECT source FROM jobs WHERE id = " + std::to_string(id)),
              std::string("test.yaml:") + (id == 1   ? "1"
                                           : id == 2 ? "2"
                                           : id == 3 ? "4"
                                                     : "7"));
  }
  // Each key still finds its own job: importing them again adds nothing, a new one numbers on.
  const ImportSummary again =
      import_all(*queue_, {tweet_delete("4"), tweet_delete("3"), tweet_delete("5")});
  EXPECT_EQ(again.new_jobs, 1);
  EXPECT_EQ(again.duplicates, 2);
  EXPECT_EQ(sql_text("SELECT object_id FROM jobs WHERE id = 5"), "5");
}

// What became of the jobs an import finds already queued, so that `import` can say "3
// cancelled" instead of letting them pass for queued.
TEST_P(QueueBackendTest, ImportCountsDuplicatesByTheStateTheirJobIsIn) {
  import_all(*queue_, {tweet_delete("1"), tweet_delete("2"), tweet_delete("3"), tweet_delete("4")});
  const std::int64_t run = start_run();
  ASSERT_EQ(claim_ids(run, 2), (std::vector<std::int64_t>{1, 2}));
  finish(run, 1, JobState::kSucceeded);  // job 2 stays running
  JobFilter three;
  three.job_id = 3;
  ASSERT_EQ(*queue_->cancel_jobs(three), 1);

  const ImportSummary again =
      import_all(*queue_, {tweet_delete("1"), tweet_delete("2"), tweet_delete("3"),
                           tweet_delete("4"), tweet_delete("5"), tweet_delete("5")});
  EXPECT_EQ(again.new_jobs, 1);
  EXPECT_EQ(again.duplicates, 5);
  const std::map<JobState, std::int64_t> expected = {{JobState::kSucceeded, 1},
                                                     {JobState::kRunning, 1},
                                                     {JobState::kCancelled, 1},
                                                     {JobState::kPending, 2}};  // 4, and 5 again
  EXPECT_EQ(again.duplicates_by_state, expected);
}

TEST_P(QueueBackendTest, SameObjectWithADifferentChangeIsANewJob) {
  const ImportSummary summary =
      import_all(*queue_, {pin_update("7", "https://a.example/"),
                           pin_update("7", "https://b.example/"), pin_delete("7")});
  EXPECT_EQ(summary.new_jobs, 3);
  EXPECT_EQ(sql_int("SELECT COUNT(DISTINCT object_hash) FROM jobs"), 1);
}

TEST_P(QueueBackendTest, ImportWithoutCommitQueuesNothing) {
  {
    auto session = queue_->begin_import("abandoned");
    ASSERT_TRUE(session.ok());
    ASSERT_TRUE((*session)->add(tweet_delete("1"), *api::render(tweet_delete("1")), "f:1").ok());
  }  // destroyed without commit
  auto status = queue_->status();
  EXPECT_EQ(status->by_state[JobState::kPending], 0);
  EXPECT_TRUE(status->batches.empty());
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM jobs"), 0);
  // And the queue takes the next import normally.
  EXPECT_EQ(import_all(*queue_, {tweet_delete("1")}).new_jobs, 1);
}

TEST_P(QueueBackendTest, AnImportWithNoJobsLeavesNoBatch) {
  auto session = queue_->begin_import("empty.csv");
  ASSERT_TRUE(session.ok());
  auto summary = (*session)->commit();
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_EQ(summary->batch_id, 0);
  EXPECT_EQ(summary->new_jobs, 0);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM batches"), 0);
}

TEST_P(QueueBackendTest, StoresTheRenderedRequestAndWhereTheJobCameFrom) {
  const api::Action action = page_post_delete("1234", "1234_5678");
  import_all(*queue_, {action}, "cleanup.yaml");
  const api::HttpRequest request = *api::render(action);
  auto row = sql_row(std::string("SELECT ") +
                     (on_postgres() ? "encode(job_key, 'hex')" : "lower(hex(job_key))") +
                     ", object_hash, source, op, target, identity, page_id, object_id, "
                     "method, path, body, state, attempts, created_at, description "
                     "FROM jobs JOIN batches ON batches.id = jobs.batch_id");
  ASSERT_EQ(row.size(), 15u);
  // Stored compactly (schema 4): the key's first 16 bytes, and a 64-bit hash of the object.
  EXPECT_EQ(row[0], api::job_key(action, request).substr(0, 32));
  EXPECT_EQ(row[1], std::to_string(object_hash(api::object_key(action))));
  EXPECT_EQ(row[2], "test.yaml:1");
  EXPECT_EQ(row[3], "delete");
  EXPECT_EQ(row[4], "facebook.page.post");
  EXPECT_EQ(row[5], kIdentity);
  EXPECT_EQ(row[6], "1234");
  EXPECT_EQ(row[7], "1234_5678");
  EXPECT_EQ(row[8], "DELETE");
  EXPECT_EQ(row[9], request.path);
  EXPECT_EQ(row[10], "");
  EXPECT_EQ(row[11], "pending");
  EXPECT_EQ(row[12], "0");
  EXPECT_EQ(row[13], std::to_string(clock_.now_ms()));
  EXPECT_EQ(row[14], "cleanup.yaml");
}

TEST_P(QueueBackendTest, AFailedAddMakesTheWholeImportFail) {
  // A real failure of the database on the third row.
  exec(refuse_bad_rows_sql(on_postgres(), "ABORT"));
  auto session = queue_->begin_import("partial");
  ASSERT_TRUE(session.ok());
  for (const char* id : {"1", "2"}) {
    ASSERT_TRUE((*session)->add(tweet_delete(id), *api::render(tweet_delete(id)), "f:1").ok());
  }
  auto failed = (*session)->add(tweet_delete("bad"), *api::render(tweet_delete("bad")), "f:3");
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().message.find("f:3"), std::string::npos) << failed.error().message;
  EXPECT_NE(failed.error().message.find("disk says no"), std::string::npos)
      << failed.error().message;

  // A caller that carries on cannot commit half of it.
  EXPECT_FALSE((*session)->add(tweet_delete("4"), *api::render(tweet_delete("4")), "f:4").ok());
  EXPECT_FALSE((*session)->commit().ok());
  session->reset();
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM jobs"), 0);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM batches"), 0);
}

TEST_P(QueueBackendTest, ACommittedSessionTakesNoMoreJobs) {
  auto session = queue_->begin_import("once");
  ASSERT_TRUE(session.ok());
  ASSERT_TRUE((*session)->add(tweet_delete("1"), *api::render(tweet_delete("1")), "f:1").ok());
  ASSERT_TRUE((*session)->commit().ok());
  EXPECT_FALSE((*session)->add(tweet_delete("2"), *api::render(tweet_delete("2")), "f:2").ok());
  EXPECT_FALSE((*session)->commit().ok());
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM jobs"), 1);
}

// What COPY's text format escapes (tab, newline, carriage return, backslash) and text beyond
// ASCII arrive byte for byte, in the rendered body and in the source.
TEST_P(QueueBackendTest, ImportStoresOddBytesExactly) {
  api::Action action = pin_update("9", "https://a.example/\u00e9?q=a\\b");
  action.fields.description =
      "tab\there\nnew line\r\\back\\slash \\N \"quoted\" \u00e9\u2713\U0001F600";
  const api::HttpRequest request = *api::render(action);
  const std::string source = "odd\tname\\with\nnewline \u00e9.csv:2";
  auto session = queue_->begin_import("odd");
  ASSERT_TRUE(session.ok()) << session.error().message;
  ASSERT_TRUE((*session)->add(action, request, source).ok());
  ASSERT_TRUE((*session)->commit().ok());
  EXPECT_EQ(sql_text("SELECT body FROM jobs WHERE id = 1"), request.body);
  EXPECT_EQ(sql_text("SELECT path FROM jobs WHERE id = 1"), request.path);
  EXPECT_EQ(sql_text("SELECT source FROM jobs WHERE id = 1"), source);
  EXPECT_NE(request.body.find('\\'), std::string::npos);  // JSON escapes made it this far
  // And the key is the one the job hashes to: importing it again adds nothing.
  EXPECT_EQ(import_all(*queue_, {action}).duplicates, 1);
}

// A row the database refuses in the middle of a large import (here a trigger, after rows that
// went out in several COPY chunks): nothing of the import stays, whether the refusal comes back
// from an add() or from the commit.
TEST_P(QueueBackendTest, ARowRefusedInTheMiddleOfALargeImportLeavesNothing) {
  exec(refuse_bad_rows_sql(on_postgres(), "ABORT"));
  import_all(*queue_, {tweet_delete("before")});
  auto session = queue_->begin_import("large");
  ASSERT_TRUE(session.ok());
  bool refused = false;
  for (int row = 1; row <= 3000 && !refused; ++row) {
    const api::Action action = tweet_delete(row == 2000 ? "bad" : std::to_string(row));
    refused = !(*session)->add(action, *api::render(action), "f:" + std::to_string(row)).ok();
  }
  if (!refused) {
    auto committed = (*session)->commit();
    ASSERT_FALSE(committed.ok());
    EXPECT_NE(committed.error().message.find("disk says no"), std::string::npos)
        << committed.error().message;
  }
  session->reset();
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM jobs"), 1);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM batches"), 1);
  // The queue takes the next import as if the failed one had never been.
  const ImportSummary next = import_all(*queue_, {tweet_delete("1"), tweet_delete("before")});
  EXPECT_EQ(next.new_jobs, 1);
  EXPECT_EQ(next.batch_id, 2);
  EXPECT_EQ(sql_text("SELECT object_id FROM jobs WHERE id = 2"), "1");
}

// A row refused in the middle of one multi-row statement (add_all binds 64 jobs to an INSERT),
// by RAISE(FAIL), which keeps the rows before it in that statement: SQLite keeps no statement
// journal for the import's INSERTs (they say OR FAIL), so what undoes them is the import's own
// transaction. Nothing of the import stays, and the next one numbers its jobs as if it had never
// been.
TEST_P(QueueBackendTest, ARowRefusedInsideAMultiRowInsertLeavesNothing) {
  exec(refuse_bad_rows_sql(on_postgres(), "FAIL"));
  import_all(*queue_, {tweet_delete("before")});
  std::vector<NewJob> jobs;
  Sha256 hasher;
  for (int row = 1; row <= 100; ++row) {
    const api::Action action = tweet_delete(row == 40 ? "bad" : std::to_string(row));
    jobs.push_back(keyed_job(hasher, action, {}, *api::render(action), "f:" + std::to_string(row)));
  }
  auto session = queue_->begin_import("refused midway");
  ASSERT_TRUE(session.ok());
  const Status added = (*session)->add_all(jobs);
  if (added.ok()) {
    auto committed = (*session)->commit();  // PostgreSQL's COPY may refuse only here
    ASSERT_FALSE(committed.ok());
    EXPECT_NE(committed.error().message.find("disk says no"), std::string::npos)
        << committed.error().message;
  } else {
    EXPECT_NE(added.error().message.find("disk says no"), std::string::npos)
        << added.error().message;
    EXPECT_FALSE((*session)->commit().ok());
  }
  session->reset();
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM jobs"), 1);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM batches"), 1);
  const ImportSummary next = import_all(*queue_, {tweet_delete("1"), tweet_delete("before")});
  EXPECT_EQ(next.new_jobs, 1);
  EXPECT_EQ(next.duplicates, 1);
  EXPECT_EQ(sql_text("SELECT object_id FROM jobs WHERE id = 2"), "1");
}

// Text PostgreSQL refuses (bytes that are not UTF-8) in the middle of a COPY chunk: the chunk
// fails, and with it the import. (SQLite stores such bytes as they are.)
TEST_P(QueueBackendTest, AChunkPostgresRefusesMidwayLeavesNothing) {
  if (!on_postgres()) GTEST_SKIP() << "SQLite keeps the bytes";
  auto session = queue_->begin_import("large");
  ASSERT_TRUE(session.ok());
  bool refused = false;
  for (int row = 1; row <= 3000 && !refused; ++row) {
    const api::Action action = tweet_delete(std::to_string(row));
    const std::string source = row == 2000 ? "bad\xff.csv:2000" : "f:" + std::to_string(row);
    refused = !(*session)->add(action, *api::render(action), source).ok();
  }
  if (!refused) {
    EXPECT_FALSE((*session)->commit().ok());
  }
  session->reset();
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM jobs"), 0);
  EXPECT_EQ(sql_int("SELECT COUNT(*) FROM batches"), 0);
  EXPECT_EQ(import_all(*queue_, {tweet_delete("1")}).new_jobs, 1);
}

// An import into a SQLite queue that no other connection has open writes through a rollback
// journal (each new page is written once); beside another connection it keeps the write-ahead
// log, so that the other goes on reading. Either way the connection has its own settings back
// afterwards: WAL mode, foreign keys on, temporary files in memory.
TEST_F(QueueTest, AnImportLeavesTheWriteAheadLogOnlyWhenNobodyElseHasTheQueueOpen) {
  import_all(*queue_, {tweet_delete("1")});
  {
    auto alone = queue_->begin_import("alone");
    ASSERT_TRUE(alone.ok()) << alone.error().message;
    EXPECT_EQ(sql_text("PRAGMA journal_mode"), "delete");
    EXPECT_EQ(sql_int("PRAGMA foreign_keys"), 0);
    ASSERT_TRUE((*alone)->add(tweet_delete("2"), *api::render(tweet_delete("2")), "f:2").ok());
    ASSERT_TRUE((*alone)->commit().ok());
  }
  EXPECT_EQ(sql_text("PRAGMA journal_mode"), "wal");

  Database other = Database::open(db_path());
  Statement count(other, "SELECT COUNT(*) FROM jobs");
  ASSERT_TRUE(count.step());
  EXPECT_EQ(count.column_int(0), 2);
  count.reset();
  {
    auto beside = queue_->begin_import("beside");
    ASSERT_TRUE(beside.ok()) << beside.error().message;
    EXPECT_EQ(sql_text("PRAGMA journal_mode"), "wal");
    ASSERT_TRUE((*beside)->add(tweet_delete("3"), *api::render(tweet_delete("3")), "f:3").ok());
    // The other connection reads the queue as it was while the import is under way.
    ASSERT_TRUE(count.step());
    EXPECT_EQ(count.column_int(0), 2);
    count.reset();
    ASSERT_TRUE((*beside)->commit().ok());
  }
  ASSERT_TRUE(count.step());
  EXPECT_EQ(count.column_int(0), 3);
  EXPECT_EQ(sql_text("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(sql_int("PRAGMA foreign_keys"), 1);
  EXPECT_EQ(sql_int("PRAGMA temp_store"), 2);  // MEMORY
}

}  // namespace
}  // namespace oneall::store
