// Copying a queue (`copy`'s store side: Queue::copy_rows_to into a Queue::CopyInSession) in
// all four directions between SQLite and PostgreSQL: every row arrives as stored (ids, states,
// leases, the log's links and hashes, an edited row as edited), the destination takes all of it
// or nothing, refuses to be written when it holds anything, and works on as a queue afterwards.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "store/store_test_helpers.hpp"
#include "support/test_lease.hpp"

namespace oneall::store {
namespace {

using namespace oneall::store::testing;

// One queue of the test, on its own storage: a SQLite file or a database of its own.
class TestQueue {
 public:
  explicit TestQueue(Backend backend, const Clock& clock) : backend_(backend), clock_(clock) {
    if (backend_ == Backend::kPostgres) pg_.emplace();
    queue_ = open();
  }

  Queue& operator*() { return *queue_; }
  Queue* operator->() { return queue_.get(); }

  std::unique_ptr<Queue> open() {
    if (backend_ == Backend::kPostgres) {
      auto queue = PgQueue::open(pg_->uri(), pg_->uri(), clock_);
      EXPECT_TRUE(queue.ok()) << queue.error().message;
      return queue.ok() ? std::move(queue).value() : nullptr;
    }
    auto queue = SqliteQueue::open(dir_.file("queue.db"), clock_);
    EXPECT_TRUE(queue.ok()) << queue.error().message;
    return queue.ok() ? std::move(queue).value() : nullptr;
  }

  void exec(const std::string& sql) {
    if (backend_ == Backend::kPostgres) {
      static_cast<PgQueue&>(*queue_).connection().exec(sql);
    } else {
      static_cast<SqliteQueue&>(*queue_).database().exec(sql);
    }
  }

 private:
  Backend backend_;
  const Clock& clock_;
  oneall::testing::TempDir dir_;
  std::optional<oneall::testing::PgTestDatabase> pg_;  // before queue_: dropped after it closes
  std::unique_ptr<Queue> queue_;
};

std::string text(const std::optional<std::string>& value) { return value ? *value : "NULL"; }
std::string text(const std::optional<std::int64_t>& value) {
  return value ? std::to_string(*value) : "NULL";
}

// Every row a queue gives, one line each, every column but a run's host (which SQLite does not
// keep).
class RowDump final : public Queue::RowSink {
 public:
  Status add(const SettingRecord& r) override { return line("setting", r.name, r.value); }
  Status add(const BatchRecord& r) override {
    return line("batch", r.id, r.created_at, r.description);
  }
  Status add(const RunRecord& r) override {
    return line("run", r.id, r.started_at, text(r.ended_at), r.pid, r.options_json,
                text(r.summary_json), text(r.exit_code));
  }
  Status add(const JobRecord& r) override {
    return line("job", r.id, r.batch_id, r.job_key.size(), r.job_key, r.object_hash, r.source, r.op,
                r.target, r.identity, r.page_id, r.object_id, r.method, r.path, r.body, r.state,
                r.attempts, r.next_attempt_at, r.note, text(r.last_http_status),
                text(r.last_outcome), r.updated_at, r.attempt_base, text(r.not_before),
                text(r.expires_at));
  }
  Status add(const ChainCheckpoint& r) override {
    return line("checkpoint", r.id, r.created_at, r.before, r.start_hash, r.after_attempt_id,
                r.last_attempt_id, r.end_hash, r.attempts, r.jobs, r.batches, r.archive);
  }
  Status add(const ChainedAttempt& r) override {
    std::string values;
    for (const ChainValue& v : r.values) values += v.type + ":" + v.text + "|";
    return line("attempt", r.id, r.job_id, text(r.prev_hash), text(r.row_hash), values);
  }
  Status add(const InFlightRecord& r) override {
    return line("in_flight", r.job_id, r.run_id, r.attempt, r.claimed_at, r.lease_until);
  }
  Status add(const PausedScope& r) override {
    return line("paused", r.scope(), text(r.batch_id), r.paused_at, r.paused_by);
  }

  std::vector<std::string> lines;

 private:
  template <class... Values>
  Status line(const char* table, const Values&... values) {
    std::string out = table;
    ((out += " " + to_text(values)), ...);
    lines.push_back(out);
    return Ok{};
  }
  static std::string to_text(const std::string& value) { return value; }
  static std::string to_text(const char* value) { return value; }
  template <class Number>
  static std::string to_text(Number value) {
    return std::to_string(value);
  }
};

std::vector<std::string> dump(Queue& queue) {
  RowDump rows;
  auto read = queue.copy_rows_to(rows);
  EXPECT_TRUE(read.ok()) << read.error().message;
  return rows.lines;
}

class QueueCopyTest : public ::testing::TestWithParam<std::tuple<Backend, Backend>> {
 protected:
  QueueCopyTest()
      : source_(std::get<0>(GetParam()), clock_), dest_(std::get<1>(GetParam()), clock_) {}

  // A queue with something in every table: two batches, jobs in every state, runs ended and
  // not, attempts of several outcomes, a job in flight, the API root, a paused batch.
  void fill_source() {
    import_all(*source_,
               {tweet_delete("1"), pin_update("2", "https://a.example/"), tweet_delete("3"),
                page_post_delete("4", "4_5")},
               "first");
    import_all(*source_, {tweet_delete("6"), pin_delete("7")}, "second");
    ASSERT_TRUE(source_->bind_api_root("sandbox").ok());
    auto run = source_->begin_run(R"({"concurrency":2})", oneall::testing::kTestLeaseMs);
    ASSERT_TRUE(run.ok()) << run.error().message;
    auto claimed = source_->claim(*run, 3, kLeaseMs);
    ASSERT_TRUE(claimed.ok() && claimed->size() == 3);
    clock_.advance_ms(250);
    std::vector<Completion> done(3);
    const JobState ends[] = {JobState::kSucceeded, JobState::kPending, JobState::kFailed};
    for (int i = 0; i < 3; ++i) {
      AttemptRecord& a = done[i].attempt;
      a.run_id = *run;
      a.job_id = claimed->at(i).job_id;
      a.attempt = claimed->at(i).attempt;
      a.started_at = clock_.now_ms() - 200;
      a.ended_at = clock_.now_ms();
      a.method = claimed->at(i).method;
      a.path = claimed->at(i).path;
      a.request_body = claimed->at(i).body;
      a.http_status = i == 1 ? 0 : (i == 0 ? 200 : 404);
      a.curl_error = i == 1 ? "Couldn't connect" : "";
      a.retry_after = i == 1 ? "30" : "";
      a.response_body = std::string("{\"x\":\0\xff}", 9);  // not UTF-8, with a NUL
      a.api_code = i == 2 ? std::optional<int>(404) : std::nullopt;
      a.outcome = i == 0 ? "succeeded" : (i == 1 ? "retry" : "failed");
      a.note = i == 1 ? "try later" : "";
      done[i].transition = {ends[i], clock_.now_ms() + 30'000, i == 1 ? "waits" : ""};
    }
    ASSERT_TRUE(source_->finish(done).ok());
    ASSERT_TRUE(source_->end_run(*run, 1, R"({"failed":1})").ok());
    JobFilter second_batch;
    second_batch.batch_id = 2;
    auto cancelled = source_->cancel_jobs(second_batch);
    ASSERT_TRUE(cancelled.ok());
    auto second = source_->begin_run("{}", oneall::testing::kTestLeaseMs);
    ASSERT_TRUE(second.ok());
    ASSERT_EQ(source_->claim(*second, 1, kLeaseMs)->size(), 1u);  // stays in flight
    // A schedule (schema 11, PostgreSQL 4), on a cancelled job so that nothing claims it.
    source_.exec("UPDATE jobs SET not_before = 4102444800000, expires_at = 4102444800500 "
                 "WHERE id = 6");
    ASSERT_TRUE(*source_->pause(2, "ann@host"));  // only cancelled jobs: claims stay as they are
  }

  // source_ into dest_, committed.
  void copy() {
    auto session = dest_->begin_copy_in();
    ASSERT_TRUE(session.ok()) << session.error().message;
    auto copied = source_->copy_rows_to(**session);
    ASSERT_TRUE(copied.ok()) << copied.error().message;
    auto committed = (*session)->commit();
    ASSERT_TRUE(committed.ok()) << committed.error().message;
  }

  ManualClock clock_;
  TestQueue source_;
  TestQueue dest_;
};

TEST_P(QueueCopyTest, EveryRowArrivesAsStoredAndTheStatusIsTheSame) {
  fill_source();
  copy();
  const auto rows = dump(*source_);
  EXPECT_EQ(dump(*dest_), rows);
  ASSERT_EQ(rows.size(), 1u + 2u + 2u + 6u + 3u + 1u + 1u);  // the dump saw every table

  auto before = source_->status();
  auto after = dest_->status();
  ASSERT_TRUE(before.ok() && after.ok());
  EXPECT_EQ(after->by_state, before->by_state);
  EXPECT_EQ(after->by_state[JobState::kRunning], 1);
  ASSERT_EQ(after->batches.size(), 2u);
  EXPECT_EQ(after->batches[1].by_state, before->batches[1].by_state);
  EXPECT_EQ(after->batches[1].description, "second");
  ASSERT_TRUE(after->last_run);
  EXPECT_EQ(after->last_run->run_id, before->last_run->run_id);
  EXPECT_EQ(after->api_root, std::optional<std::string>("sandbox"));
  ASSERT_EQ(after->paused.size(), 1u);
  EXPECT_EQ(after->paused[0].scope(), "batch:2");
  EXPECT_EQ(after->paused[0].paused_by, "ann@host");
  auto sizes = dest_->size();
  ASSERT_TRUE(sizes.ok());
  EXPECT_EQ(sizes->rows(), static_cast<std::int64_t>(rows.size()));
}

TEST_P(QueueCopyTest, AnEditedAttemptRowIsCopiedAsEditedNotHashedAgain) {
  fill_source();
  source_.exec("UPDATE attempts SET note = 'edited' WHERE id = 2");
  copy();
  const auto rows = dump(*dest_);
  EXPECT_EQ(rows, dump(*source_));
  bool found = false;
  for (const auto& line : rows) {
    found = found || (line.rfind("attempt 2 ", 0) == 0 && line.find("text:edited|") != line.npos);
  }
  EXPECT_TRUE(found);
}

TEST_P(QueueCopyTest, APrunedQueueCopiesWithItsCheckpointsSoItsChainStillStartsThere) {
  fill_source();
  clock_.advance_ms(1000);
  RowDump pruned;
  auto plan = source_->prune_rows_to(clock_.now_ms(), pruned);
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  ASSERT_EQ(plan->attempts, 1);  // row 1; job 2's retry keeps the rest
  ASSERT_TRUE(source_->commit_prune(*plan, "archive.jsonl.gz").ok());
  copy();
  const auto rows = dump(*dest_);
  EXPECT_EQ(rows, dump(*source_));
  auto checkpoints = dest_->chain_checkpoints();
  ASSERT_TRUE(checkpoints.ok());
  ASSERT_EQ(checkpoints->size(), 1u);
  EXPECT_EQ(checkpoints->front().end_hash, plan->end_hash);
  std::optional<std::string> first_link;
  ASSERT_TRUE(dest_
                  ->for_each_chained_attempt([&](const ChainedAttempt& row) {
                    first_link = row.prev_hash;
                    return false;
                  })
                  .ok());
  EXPECT_EQ(first_link, plan->end_hash);
  EXPECT_EQ(dest_->size()->checkpoints, 1);
}

TEST_P(QueueCopyTest, TheCopyWorksOnAsAQueueWithNewRunIds) {
  fill_source();
  copy();
  clock_.advance_ms(kLeaseMs + 1);  // the lease of the job left in flight has run out
  auto run = dest_->begin_run("{}", oneall::testing::kTestLeaseMs);
  ASSERT_TRUE(run.ok()) << run.error().message;
  EXPECT_EQ(*run, 3);
  auto claimed = dest_->claim(*run, 10, kLeaseMs);
  ASSERT_TRUE(claimed.ok()) << claimed.error().message;
  EXPECT_EQ(claimed->size(), 2u);  // the retry now due, and the job taken back
  // The run took the expired lease back as an interrupted attempt, after the copied rows.
  std::string last_attempt;
  for (const auto& line : dump(*dest_)) {
    if (line.rfind("attempt ", 0) == 0) last_attempt = line;
  }
  EXPECT_EQ(last_attempt.rfind("attempt 4 ", 0), 0u) << last_attempt;
  EXPECT_NE(last_attempt.find("text:interrupted|"), std::string::npos) << last_attempt;
}

// The copy finds its jobs by key as the source did: importing them again adds nothing.
TEST_P(QueueCopyTest, ImportIntoTheCopyIsStillIdempotent) {
  fill_source();
  copy();
  const ImportSummary again =
      import_all(*dest_, {tweet_delete("1"), pin_update("2", "https://a.example/"), pin_delete("7"),
                          tweet_delete("8")});
  EXPECT_EQ(again.new_jobs, 1);
  EXPECT_EQ(again.duplicates, 3);
  EXPECT_EQ(again.batch_id, 3);
}

TEST_P(QueueCopyTest, ADestinationThatHoldsAnythingIsRefusedAndKeptAsItIs) {
  fill_source();
  import_all(*dest_, {tweet_delete("99")});
  const auto before = dump(*dest_);
  auto session = dest_->begin_copy_in();
  ASSERT_FALSE(session.ok());
  EXPECT_NE(session.error().message.find("already holds 2 row(s)"), std::string::npos)
      << session.error().message;
  EXPECT_EQ(dump(*dest_), before);
}

TEST_P(QueueCopyTest, ARowThatCannotBeWrittenLeavesTheDestinationEmpty) {
  {
    auto session = dest_->begin_copy_in();
    ASSERT_TRUE(session.ok()) << session.error().message;
    ASSERT_TRUE((*session)->add(BatchRecord{1, 0, "b"}).ok());
    JobRecord orphan;
    orphan.id = 1;
    orphan.batch_id = 7;  // no such batch
    orphan.job_key = "0123456789abcdef";
    orphan.op = "delete";
    orphan.state = "pending";
    // The backend may write rows as they come or gathered: the failure shows at this add(), at
    // the next, or at the commit, and from then on everything is refused.
    Status refused = (*session)->add(orphan);
    if (refused.ok()) refused = (*session)->add(BatchRecord{2, 0, "c"});
    if (refused.ok()) refused = (*session)->commit();
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().message.find("copy job 1 into"), std::string::npos)
        << refused.error().message;
    EXPECT_NE(refused.error().message.find("nothing was copied"), std::string::npos);
    EXPECT_FALSE((*session)->add(BatchRecord{3, 0, "d"}).ok());
    EXPECT_FALSE((*session)->commit().ok());
  }
  auto sizes = dest_->size();
  ASSERT_TRUE(sizes.ok()) << sizes.error().message;
  EXPECT_TRUE(sizes->empty()) << sizes->rows();
}

std::string direction_name(const ::testing::TestParamInfo<std::tuple<Backend, Backend>>& info) {
  const auto name = [](Backend b) { return b == Backend::kSqlite ? "Sqlite" : "Postgres"; };
  return std::string(name(std::get<0>(info.param))) + "To" + name(std::get<1>(info.param));
}

INSTANTIATE_TEST_SUITE_P(Directions, QueueCopyTest,
                         ::testing::Combine(::testing::Values(Backend::kSqlite, Backend::kPostgres),
                                            ::testing::Values(Backend::kSqlite,
                                                              Backend::kPostgres)),
                         direction_name);

}  // namespace
}  // namespace oneall::store
