// What only the PostgreSQL backend has to get right beside the behaviour the store tests check
// on both backends (tests/store): its audit chain hashes exactly as SQLite's does, the schema is
// created once however many programs open a new database at once, kExistingOnly finds no queue
// in an empty database (and creates nothing), bytes that are not text survive, and the password
// of the URI is nowhere in what the queue shows.
#include "store/pg_queue.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "store/attempt_chain.hpp"
#include "store/pg_migrations.hpp"
#include "store/sqlite_queue.hpp"
#include "support/pg_test_database.hpp"
#include "support/temp_dir.hpp"
#include "support/test_lease.hpp"

namespace oneall::store {
namespace {

constexpr std::int64_t kLeaseMs = 60'000;

api::Action tweet_delete(const std::string& id) {
  api::Action action;
  action.op = api::Op::kDelete;
  action.target = api::Target::kTwitterTweet;
  action.identity = "2af20011-8965-471b-8f6b-8b66a611aae6";
  action.object_id = id;
  return action;
}

void import_ids(Queue& queue, const std::vector<std::string>& ids) {
  auto session = queue.begin_import("chain.yaml");
  ASSERT_TRUE(session.ok()) << session.error().message;
  for (const auto& id : ids) {
    ASSERT_TRUE((*session)->add(tweet_delete(id), *api::render(tweet_delete(id)), "f:1").ok());
  }
  ASSERT_TRUE((*session)->commit().ok());
}

// Every kind of value the chain hashes: NULL and present HTTP statuses and API codes, empty and
// multi-line text, a body that is not UTF-8 and holds a NUL byte.
std::vector<Completion> varied_completions(std::int64_t run) {
  std::vector<Completion> completions;
  for (std::int64_t job = 1; job <= 3; ++job) {
    Completion c;
    c.attempt.run_id = run;
    c.attempt.job_id = job;
    c.attempt.attempt = 1;
    c.attempt.started_at = 1'700'000'000'000 + job;
    c.attempt.ended_at = 1'700'000'000'100 + job;
    c.attempt.method = "DELETE";
    c.attempt.path = "/socialnetworks/twitter/tweets/" + std::to_string(job) + ".json";
    c.attempt.outcome = "succeeded";
    c.transition.state = JobState::kSucceeded;
    completions.push_back(c);
  }
  completions[0].attempt.http_status = 200;
  completions[0].attempt.api_code = 200;
  completions[0].attempt.response_body = "{\"response\":{}}\n\"two lines\"";
  completions[1].attempt.curl_error = "Connection refused";
  completions[1].attempt.requests_sent = 0;
  completions[1].attempt.outcome = "failed";
  completions[1].transition.state = JobState::kFailed;
  completions[2].attempt.http_status = 502;
  completions[2].attempt.response_body = std::string("\xff\xfe bad utf-8 \0 nul", 17);
  completions[2].attempt.retry_after = "\xc3";
  completions[2].attempt.response_truncated = true;
  completions[2].attempt.outcome = "dead";
  completions[2].transition.state = JobState::kDead;
  return completions;
}

std::vector<ChainedAttempt> chain_of(Queue& queue) {
  std::vector<ChainedAttempt> rows;
  EXPECT_TRUE(queue
                  .for_each_chained_attempt([&](const ChainedAttempt& row) {
                    rows.push_back(row);
                    return true;
                  })
                  .ok());
  return rows;
}

// Fills `queue` with the same history on either backend: three attempts, then an interrupted one.
void write_history(Queue& queue, ManualClock& clock) {
  import_ids(queue, {"1", "2", "3", "4"});
  auto run = queue.begin_run("{}", oneall::testing::kTestLeaseMs);
  ASSERT_TRUE(run.ok()) << run.error().message;
  auto claimed = queue.claim(*run, 4, kLeaseMs);
  ASSERT_TRUE(claimed.ok()) << claimed.error().message;
  ASSERT_EQ(claimed->size(), 4u);
  ASSERT_TRUE(queue.finish(varied_completions(*run)).ok());
  clock.advance_ms(kLeaseMs + 1);
  ASSERT_TRUE(queue.begin_run("{}", oneall::testing::kTestLeaseMs)
                  .ok());  // takes job 4 back: an interrupted row
}

TEST(PgQueueChain, RowsHashExactlyAsOnSqliteAndVerifyTheSameWay) {
  oneall::testing::TempDir dir;
  oneall::testing::PgTestDatabase database;
  ManualClock sqlite_clock;
  ManualClock pg_clock;
  auto sqlite = SqliteQueue::open(dir.file("queue.db"), sqlite_clock);
  ASSERT_TRUE(sqlite.ok()) << sqlite.error().message;
  auto pg = PgQueue::open(database.uri(), database.uri(), pg_clock);
  ASSERT_TRUE(pg.ok()) << pg.error().message;
  write_history(**sqlite, sqlite_clock);
  write_history(**pg, pg_clock);

  const auto expected = chain_of(**sqlite);
  const auto got = chain_of(**pg);
  ASSERT_EQ(expected.size(), 4u);
  ASSERT_EQ(got.size(), expected.size());
  std::string prev(kChainGenesis);
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].id, expected[i].id);
    EXPECT_EQ(got[i].row_hash, expected[i].row_hash) << "row " << i;
    ASSERT_EQ(got[i].values.size(), expected[i].values.size());
    for (std::size_t v = 0; v < got[i].values.size(); ++v) {
      EXPECT_EQ(got[i].values[v].type, expected[i].values[v].type) << kChainedColumns[v];
      EXPECT_EQ(got[i].values[v].text, expected[i].values[v].text) << kChainedColumns[v];
    }
    // What `audit verify` does with each row (src/audit/chain_verify.cpp).
    EXPECT_EQ(got[i].prev_hash, prev);
    EXPECT_EQ(chain_hash(got[i].values, prev), got[i].row_hash);
    prev = *got[i].row_hash;
  }
  auto found = (*pg)->attempt_with_hash(prev);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(*found, got.back().id);

  // The bytes that are not text come back as they went in.
  auto attempts = (*pg)->attempts({});
  ASSERT_TRUE(attempts.ok());
  EXPECT_EQ((*attempts)[2].response_body, std::string("\xff\xfe bad utf-8 \0 nul", 17));
  EXPECT_EQ((*attempts)[2].retry_after, "\xc3");

  // An edit made around the program no longer matches its hash.
  (*pg)->connection().exec("UPDATE attempts SET note = 'edited' WHERE id = 2");
  const auto edited = chain_of(**pg);
  EXPECT_NE(chain_hash(edited[1].values, *edited[1].prev_hash), edited[1].row_hash);
}

TEST(PgQueueOpen, ProgramsOpeningANewDatabaseAtOnceCreateTheSchemaOnce) {
  oneall::testing::PgTestDatabase database;
  ManualClock clock;
  constexpr int kOpeners = 6;
  std::vector<std::string> errors(kOpeners);
  std::vector<int> created(kOpeners, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < kOpeners; ++i) {
    threads.emplace_back([&, i] {
      auto queue = PgQueue::open(database.uri(), database.uri(), clock);
      if (!queue) {
        errors[i] = queue.error().message;
      } else {
        created[i] = (*queue)->created_now() ? 1 : 0;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& error : errors) EXPECT_EQ(error, "");
  auto queue = PgQueue::open(database.uri(), database.uri(), clock);
  ASSERT_TRUE(queue.ok()) << queue.error().message;
  // Each migration applied once: one row per version.
  EXPECT_EQ((*queue)->connection().query("SELECT COUNT(*) FROM oneall_schema").integer(0, 0),
            static_cast<std::int64_t>(embedded_pg_migrations().size()));
}

TEST(PgQueueOpen, ExistingOnlyFindsNoQueueInAnEmptyDatabaseAndCreatesNothing) {
  oneall::testing::PgTestDatabase database;
  ManualClock clock;
  auto exists = PgQueue::exists(database.uri());
  ASSERT_TRUE(exists.ok()) << exists.error().message;
  EXPECT_FALSE(*exists);
  auto opened = PgQueue::open(database.uri(), "SHOWN", clock, QueueOpen::kExistingOnly);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().message,
            "there is no queue at SHOWN: the database holds no oneall-bulk queue");
  EXPECT_FALSE(*PgQueue::exists(database.uri()));

  auto created = PgQueue::open(database.uri(), "SHOWN", clock);
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_TRUE((*created)->created_now());
  EXPECT_TRUE(*PgQueue::exists(database.uri()));
  auto existing = PgQueue::open(database.uri(), "SHOWN", clock, QueueOpen::kExistingOnly);
  ASSERT_TRUE(existing.ok()) << existing.error().message;
  EXPECT_FALSE((*existing)->created_now());
}

TEST(PgQueueOpen, AnUnreachableServerIsOneLineNamingTheQueueAsShown) {
  ManualClock clock;
  auto opened = PgQueue::open("postgresql://u:s3cret@/db?host=/nonexistent-socket-dir",
                              "postgresql://u:***@/db?host=/nonexistent-socket-dir", clock);
  ASSERT_FALSE(opened.ok());
  const std::string& message = opened.error().message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  EXPECT_EQ(message.find("s3cret"), std::string::npos) << message;
  EXPECT_EQ(message.rfind("cannot open queue database postgresql://u:***@/db", 0), 0u) << message;
}

}  // namespace
}  // namespace oneall::store
