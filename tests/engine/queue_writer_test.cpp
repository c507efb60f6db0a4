// QueueWriter: a run's queue writes on a thread of their own, one turn at a time, each turn's
// completions and claim in one transaction, with the loop woken for every reply.
#include "engine/queue_writer.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include "store/queue.hpp"
#include "store/store_test_helpers.hpp"

namespace oneall::engine {
namespace {

using store::Completion;
using store::JobState;
using namespace oneall::store::testing;

class QueueWriterTest : public store::testing::QueueTest {
 protected:
  QueueWriterTest() { run_options_.lease_ms = kLeaseMs; }

  static Completion succeeded(std::int64_t run, std::int64_t job) {
    return {attempt_of(run, job, 200, "succeeded"), {JobState::kSucceeded, 0, ""}};
  }

  static std::vector<std::int64_t> ids(const std::vector<store::ClaimedJob>& jobs) {
    std::vector<std::int64_t> ids;
    for (const auto& job : jobs) ids.push_back(job.job_id);
    return ids;
  }

  RunOptions run_options_;
  std::atomic<int> wakes_{0};
};

TEST_F(QueueWriterTest, WritesATurnAndClaimsForItsSlots) {
  import_all(*queue_, {tweet_delete("1"), tweet_delete("2"), tweet_delete("3"), tweet_delete("4")});
  const std::int64_t run = start_run();
  QueueWriter writer(*queue_, run_options_, run, [this] { ++wakes_; });

  writer.hand_over({{}, 2, false, {}, {}});
  QueueWriter::Reply first = writer.wait_for_reply();
  ASSERT_TRUE(first.written.ok()) << first.written.error().message;
  EXPECT_EQ(ids(first.claimed), (std::vector<std::int64_t>{1, 2}));
  EXPECT_FALSE(first.next_pending_at.has_value());  // only asked when the claim comes short

  QueueWriter::Turn turn;
  turn.completions = {succeeded(run, 1), succeeded(run, 2)};
  turn.claim = 3;
  writer.hand_over(std::move(turn));
  EXPECT_TRUE(writer.in_hand());
  QueueWriter::Reply second = writer.wait_for_reply();
  ASSERT_TRUE(second.written.ok()) << second.written.error().message;
  EXPECT_EQ(ids(second.claimed), (std::vector<std::int64_t>{3, 4}));
  EXPECT_FALSE(second.next_pending_at.has_value());  // short, and nothing is pending
  EXPECT_EQ(second.spent.size(), 2u);  // handed back, to be freed on the loop's thread
  EXPECT_FALSE(writer.in_hand());

  // Between turns, the loop may use the queue itself.
  EXPECT_EQ(writer.queue().attempts({})->size(), 2u);
  EXPECT_EQ(job_state(1), "succeeded");
  EXPECT_EQ(job_state(4), "running");
}

// One wake per reply, once the reply can be taken (a poll it ends finds the reply there).
TEST_F(QueueWriterTest, WakesTheLoopOncePerReply) {
  import_all(*queue_, {tweet_delete("1"), tweet_delete("2")});
  const std::int64_t run = start_run();
  {
    QueueWriter writer(*queue_, run_options_, run, [this] { ++wakes_; });
    for (int turn = 0; turn < 3; ++turn) {
      writer.hand_over({{}, 1, false, {}, {}});
      ASSERT_TRUE(writer.wait_for_reply().written.ok());
    }
  }  // joined: every wake has happened
  EXPECT_EQ(wakes_.load(), 3);
}

TEST_F(QueueWriterTest, AShortClaimSaysWhenTheNextJobIsDue) {
  import_all(*queue_, {tweet_delete("1"), tweet_delete("2")});
  const std::int64_t run = start_run();
  claim_ids(run, 1);
  const EpochMs due = clock_.now_ms() + 5'000;
  finish(run, 1, JobState::kPending, 503, due);  // job 1 retries later
  QueueWriter writer(*queue_, run_options_, run, [this] { ++wakes_; });
  writer.hand_over({{}, 4, false, {}, {}});
  QueueWriter::Reply reply = writer.wait_for_reply();
  ASSERT_TRUE(reply.written.ok()) << reply.written.error().message;
  EXPECT_EQ(ids(reply.claimed), (std::vector<std::int64_t>{2}));
  ASSERT_TRUE(reply.next_pending_at.has_value());
  EXPECT_EQ(*reply.next_pending_at, due);
}

// A turn that asks reads the paused scopes after its claim, so the loop can give back jobs it
// claimed before a pause; a turn that does not ask leaves them unread (none is not "nothing
// paused"). A pause keeps its batch out of the claim and out of next_pending_at.
TEST_F(QueueWriterTest, ATurnThatAsksSaysWhatIsPausedAndAPausedBatchIsNoWorkLeft) {
  import_all(*queue_, {tweet_delete("1")}, "first");
  import_all(*queue_, {tweet_delete("2")}, "second");
  ASSERT_TRUE(*queue_->pause(1, "ann@host"));
  const std::int64_t run = start_run();
  QueueWriter writer(*queue_, run_options_, run, [this] { ++wakes_; });

  writer.hand_over({{}, 2, false, {}, {}});
  QueueWriter::Reply unread = writer.wait_for_reply();
  ASSERT_TRUE(unread.written.ok()) << unread.written.error().message;
  EXPECT_EQ(ids(unread.claimed), (std::vector<std::int64_t>{2}));
  EXPECT_FALSE(unread.next_pending_at.has_value());  // job 1 waits for `resume`, not a run
  EXPECT_FALSE(unread.paused.has_value());

  QueueWriter::Turn ask;
  ask.read_paused = true;  // a turn with nothing else to write
  writer.hand_over(std::move(ask));
  QueueWriter::Reply read = writer.wait_for_reply();
  ASSERT_TRUE(read.written.ok()) << read.written.error().message;
  ASSERT_TRUE(read.paused.has_value());
  ASSERT_EQ(read.paused->size(), 1u);
  EXPECT_EQ(read.paused->front().batch_id, 1);
}

TEST_F(QueueWriterTest, ARefusedTurnWritesNothingAndSaysWhy) {
  import_all(*queue_, {tweet_delete("1"), tweet_delete("2")});
  const std::int64_t run = start_run();
  claim_ids(run, 1);
  QueueWriter writer(*queue_, run_options_, run, [this] { ++wakes_; });
  QueueWriter::Turn turn;
  turn.completions = {succeeded(run, 2)};
  turn.claim = 1;
  writer.hand_over(std::move(turn));
  QueueWriter::Reply reply = writer.wait_for_reply();
  ASSERT_FALSE(reply.written.ok());
  EXPECT_NE(reply.written.error().message.find("job 2"), std::string::npos)
      << reply.written.error().message;
  EXPECT_TRUE(reply.claimed.empty());
  EXPECT_EQ(job_state(2), "pending");
}

TEST_F(QueueWriterTest, RenewsTheRunsLeases) {
  import_all(*queue_, {tweet_delete("1")});
  const std::int64_t run = start_run();
  claim_ids(run, 1);
  const auto lease = [this] { return query_int(*queue_, "SELECT lease_until FROM in_flight"); };
  const std::int64_t before = lease();
  clock_.advance_ms(1'000);
  QueueWriter writer(*queue_, run_options_, run, [this] { ++wakes_; });
  writer.hand_over({{}, 0, true, {}, {}});
  ASSERT_TRUE(writer.wait_for_reply().written.ok());
  EXPECT_EQ(lease(), before + 1'000);
}

// Answers that came back are not dropped because the run ends: the turn in hand is written.
TEST_F(QueueWriterTest, ATurnInHandIsWrittenBeforeTheWriterGoes) {
  import_all(*queue_, {tweet_delete("1")});
  const std::int64_t run = start_run();
  claim_ids(run, 1);
  {
    QueueWriter writer(*queue_, run_options_, run, [this] { ++wakes_; });
    QueueWriter::Turn turn;
    turn.completions = {succeeded(run, 1)};
    writer.hand_over(std::move(turn));
  }
  EXPECT_EQ(job_state(1), "succeeded");
  EXPECT_EQ(wakes_.load(), 1);
}

}  // namespace
}  // namespace oneall::engine
