// `prune`, `audit verify --archive` and `backup` through the real binary. A queue of 100,000
// attempt rows (built through the store, as a long campaign's runs would leave it) is pruned:
// the rest and the archive verify and the file shrinks. A prune killed once its archive is on
// disk, before its delete, leaves the queue whole, and the next prune completes; pruning twice
// writes nothing the second time; a backup taken while a run works the queue opens and
// verifies; a PostgreSQL queue prunes the same way and refuses `backup`.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "api/action.hpp"
#include "api/credentials.hpp"
#include "audit/queue_prune.hpp"
#include "store/queue.hpp"
#include "support/child_process.hpp"
#include "support/pg_test_database.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "util/clock.hpp"

namespace oneall {
namespace {

using namespace std::chrono_literals;
using testing::ChildProcess;
using testing::PgTestDatabase;
using testing::run_oneall;
using testing::TempDir;

const std::map<std::string, std::string> kEnv = {{"ONEALL_BULK_DB", ""}};
constexpr const char* kIdentity = "2af20011-8965-471b-8f6b-8b66a611aae6";
constexpr EpochMs kDayMs = 86'400'000;

std::int64_t file_bytes(const std::string& path) {
  std::int64_t total = 0;
  for (const std::string& part : {path, path + "-wal"}) {
    struct stat info {};
    if (::stat(part.c_str(), &info) == 0) total += info.st_size;
  }
  return total;
}

// A queue of `jobs` tweet deletes, each sent once and succeeded: the first `old_jobs` of them
// ended 100 days ago, the rest a day ago. Written through the store, turn by turn as a run's
// writer writes them, with answers of a realistic size.
void fill_queue(const std::string& db, int jobs, int old_jobs) {
  const EpochMs now = SystemClock().now_ms();
  ManualClock clock(now - 100 * kDayMs);
  auto queue = store::Queue::open(db, clock);
  ASSERT_TRUE(queue.ok()) << queue.error().message;
  {
    auto session = (*queue)->begin_import("campaign.csv");
    ASSERT_TRUE(session.ok());
    for (int i = 0; i < jobs; ++i) {
      api::Action action;
      action.op = api::Op::kDelete;
      action.target = api::Target::kTwitterTweet;
      action.identity = kIdentity;
      action.object_id = std::to_string(1'000'000 + i);
      auto request = api::render(action);
      ASSERT_TRUE(request.ok());
      ASSERT_TRUE((*session)->add(action, *request, fmt::format("campaign.csv:{}", i + 2)).ok());
    }
    ASSERT_TRUE((*session)->commit().ok());
  }
  auto run = (*queue)->begin_run("{}", 60'000);
  ASSERT_TRUE(run.ok());
  const std::string answer = fmt::format(
      R"({{"response":{{"request":{{"date":"Sat, 05 Dec 2026 01:02:03 +0000","resource":)"
      R"("/update/identities/{}/twitter/post.json","status":{{"flag":"success","code":200,)"
      R"("info":"The tweet has been deleted"}}}},"result":{{"status":{{"flag":"success"}}}}}}}})",
      kIdentity);
  // A job's updated_at is the time its turn commits: turns of 100 jobs, switched to the recent
  // clock at the first turn past `old_jobs` (a multiple of 100).
  std::vector<store::Completion> turn;
  int finished = 0;
  for (;;) {
    if (finished - static_cast<int>(turn.size()) >= old_jobs) {
      clock.advance_ms(now - kDayMs - clock.now_ms());
    }
    auto claimed = (*queue)->finish_and_claim(turn, *run, 100, 60'000, std::nullopt);
    ASSERT_TRUE(claimed.ok()) << claimed.error().message;
    turn.clear();
    if (claimed->empty()) break;
    for (const store::ClaimedJob& job : *claimed) {
      ++finished;
      store::Completion done;
      done.attempt.run_id = *run;
      done.attempt.job_id = job.job_id;
      done.attempt.attempt = job.attempt;
      done.attempt.started_at = clock.now_ms();
      done.attempt.ended_at = clock.now_ms() + 40;
      done.attempt.method = job.method;
      done.attempt.path = job.path;
      done.attempt.http_status = 200;
      done.attempt.api_flag = "success";
      done.attempt.api_code = 200;
      done.attempt.api_info = "The tweet has been deleted";
      done.attempt.response_body = answer;
      done.attempt.outcome = "succeeded";
      done.transition = {store::JobState::kSucceeded, 0, ""};
      turn.push_back(std::move(done));
    }
  }
  ASSERT_TRUE((*queue)->end_run(*run, 0, "{}").ok());
}

std::string verify(const std::vector<std::string>& args) {
  auto verified = run_oneall(args, kEnv);
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  return verified.out;
}

TEST(PruneE2e, PrunesAHundredThousandRowsAndBothPartsVerifyAndTheFileShrinks) {
  TempDir dir;
  const std::string db = dir.file("queue.db");
  const std::string archive = dir.file("archive.jsonl.gz");
  fill_queue(db, 100'000, 70'000);
  const std::int64_t before_bytes = file_bytes(db);

  auto pruned =
      run_oneall({"prune", "--before", "30d", "--archive", archive, "--db", db}, kEnv, 300s);
  ASSERT_EQ(pruned.exit_code, 0) << pruned.err;
  EXPECT_NE(pruned.out.find("pruned 70000 job(s) and 70000 attempt row(s) (rows 1..70000, 0 "
                            "batch(es) emptied)"),
            std::string::npos)
      << pruned.out;
  EXPECT_NE(pruned.out.find("space: VACUUM"), std::string::npos) << pruned.out;
  const std::int64_t after_bytes = file_bytes(db);
  EXPECT_LT(after_bytes, before_bytes / 2) << before_bytes << " -> " << after_bytes;
  std::cerr << "queue file " << before_bytes << " -> " << after_bytes << " bytes, archive "
            << file_bytes(archive) << " bytes\n";

  EXPECT_NE(verify({"audit", "verify", "--db", db})
                .find("audit log intact: 30000 attempt row(s) chained, after 70000 row(s) "
                      "pruned into 1 archive(s)"),
            std::string::npos);
  EXPECT_NE(verify({"audit", "verify", "--archive", archive, "--db", db})
                .find("intact: 70000 attempt row(s) chained (rows 1..70000), 70000 job(s)"),
            std::string::npos);
  auto status = run_oneall({"status", "--json", "--db", db}, kEnv);
  EXPECT_NE(status.out.find(R"("succeeded":30000)"), std::string::npos) << status.out;
}

class PruneSmallQueueE2e : public ::testing::Test {
 protected:
  void SetUp() override { fill_queue(db_, 2'000, 1'500); }

  TempDir dir_;
  const std::string db_ = dir_.file("queue.db");
  const std::string archive_ = dir_.file("archive.jsonl.gz");
};

TEST_F(PruneSmallQueueE2e, AKillAfterTheArchiveIsWrittenLeavesTheQueueWholeAndARerunCompletes) {
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {  // a prune of its own, killed at the worst moment: archive synced, no delete
    SystemClock clock;
    auto queue = store::Queue::open(db_, clock, store::QueueOpen::kExistingOnly);
    if (!queue) ::_exit(2);
    audit::PruneHooks hooks;
    hooks.archive_written = [] { ::raise(SIGKILL); };
    audit::prune_queue(**queue, {clock.now_ms() - 30 * kDayMs, archive_}, clock, hooks);
    ::_exit(3);  // never reached when the hook ran
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
  ASSERT_TRUE(std::filesystem::exists(archive_));

  // The queue is whole: every row still there, the chain from the genesis, no checkpoint.
  EXPECT_NE(verify({"audit", "verify", "--db", db_})
                .find("audit log intact: 2000 attempt row(s) chained, none edited"),
            std::string::npos);
  // The archive is complete, but no prune of the queue records it.
  auto orphan = run_oneall({"audit", "verify", "--archive", archive_, "--db", db_}, kEnv);
  EXPECT_EQ(orphan.exit_code, 1);
  EXPECT_NE(orphan.err.find("the queue records no prune of these rows"), std::string::npos)
      << orphan.err;

  auto again = run_oneall({"prune", "--before", "30d", "--archive", archive_, "--db", db_}, kEnv);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("pruned 1500 job(s) and 1500 attempt row(s)"), std::string::npos)
      << again.out;
  EXPECT_NE(again.out.find("replacing a stopped prune's archive"), std::string::npos);
  verify({"audit", "verify", "--archive", archive_, "--db", db_});
  EXPECT_NE(verify({"audit", "verify", "--db", db_}).find("500 attempt row(s) chained, after 1500"),
            std::string::npos);
}

TEST_F(PruneSmallQueueE2e, AKillAtAnyMomentLeavesTheQueueWholeOrPrunedAndARerunCompletes) {
  for (const auto delay : {0ms, 20ms, 60ms, 150ms}) {
    SCOPED_TRACE(delay.count());
    TempDir dir;
    const std::string db = dir.file("queue.db");
    std::filesystem::copy_file(db_, db);
    const std::string archive = dir.file("archive.jsonl.gz");
    {
      ChildProcess prune({"prune", "--before", "30d", "--archive", archive, "--db", db}, kEnv,
                         dir.path().string());
      std::this_thread::sleep_for(delay);
      prune.signal(SIGKILL);
      prune.wait(10s);
    }
    // Whole (2000 rows from the genesis) or pruned (500 after the checkpoint): never between.
    const std::string shown = verify({"audit", "verify", "--db", db});
    EXPECT_TRUE(shown.find("2000 attempt row(s) chained, none") != std::string::npos ||
                shown.find("500 attempt row(s) chained, after 1500") != std::string::npos)
        << shown;
    auto rerun = run_oneall({"prune", "--before", "30d", "--archive", archive, "--db", db}, kEnv);
    if (rerun.exit_code == 2) {  // the kill came after the delete: this archive is recorded
      EXPECT_NE(rerun.err.find("already exists"), std::string::npos) << rerun.err;
      rerun = run_oneall(
          {"prune", "--before", "30d", "--archive", dir.file("again.jsonl.gz"), "--db", db}, kEnv);
      EXPECT_NE(rerun.out.find("nothing to prune"), std::string::npos) << rerun.out;
    }
    ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
    verify({"audit", "verify", "--archive", archive, "--db", db});
    EXPECT_NE(verify({"audit", "verify", "--db", db}).find("500 attempt row(s) chained, after"),
              std::string::npos);
  }
}

TEST_F(PruneSmallQueueE2e, PruningTwiceWritesNothingTheSecondTime) {
  auto first = run_oneall({"prune", "--before", "30d", "--archive", archive_, "--db", db_}, kEnv);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const auto written = std::filesystem::last_write_time(archive_);
  const auto size = std::filesystem::file_size(archive_);

  for (const std::string& file : {archive_, dir_.file("second.jsonl.gz")}) {
    auto second =
        run_oneall({"prune", "--before", "30d", "--archive", file, "--db", db_, "--json"}, kEnv);
    ASSERT_EQ(second.exit_code, 0) << second.err;
    EXPECT_NE(second.out.find(R"("pruned":false,"batches":0,"jobs":0,"attempt_rows":0)"),
              std::string::npos)
        << second.out;
  }
  EXPECT_FALSE(std::filesystem::exists(dir_.file("second.jsonl.gz")));
  EXPECT_EQ(std::filesystem::last_write_time(archive_), written);
  EXPECT_EQ(std::filesystem::file_size(archive_), size);
  verify({"audit", "verify", "--archive", archive_, "--db", db_});
  verify({"audit", "verify", "--db", db_});
}

TEST_F(PruneSmallQueueE2e, AnEditedArchiveOrQueueRowIsFound) {
  ASSERT_EQ(
      run_oneall({"prune", "--before", "30d", "--archive", archive_, "--db", db_}, kEnv).exit_code,
      0);
  // The archive cut short: its end line is gone.
  const std::string cut = dir_.file("cut.jsonl.gz");
  ASSERT_EQ(
      std::system(fmt::format("zcat '{}' | head -n 100 | gzip > '{}'", archive_, cut).c_str()), 0);
  auto short_one = run_oneall({"audit", "verify", "--archive", cut, "--db", db_}, kEnv);
  EXPECT_EQ(short_one.exit_code, 1);
  EXPECT_NE(short_one.err.find("cut short"), std::string::npos) << short_one.err;
  // A row's answer edited inside the archive.
  const std::string edited = dir_.file("edited.jsonl.gz");
  ASSERT_EQ(std::system(
                fmt::format("zcat '{}' | sed '1600s/deleted/kept/' | gzip > '{}'", archive_, edited)
                    .c_str()),
            0);
  auto changed = run_oneall({"audit", "verify", "--archive", edited, "--db", db_}, kEnv);
  EXPECT_EQ(changed.exit_code, 1);
  EXPECT_NE(changed.err.find("was edited"), std::string::npos) << changed.err;
  // The checkpoint edited in the queue: the rows left no longer link to it.
  ASSERT_EQ(std::system(fmt::format("sqlite3 '{}' \"UPDATE chain_checkpoints SET end_hash = "
                                    "'00'\"",
                                    db_)
                            .c_str()),
            0);
  auto queue = run_oneall({"audit", "verify", "--db", db_}, kEnv);
  EXPECT_EQ(queue.exit_code, 1) << queue.out;
}

TEST(BackupE2e, ABackupTakenWhileARunWorksOpensAndVerifies) {
  TempDir dir;
  const std::string db = dir.file("queue.db");
  std::string yaml = fmt::format("defaults: {{identity: {}}}\njobs:\n", kIdentity);
  for (int i = 0; i < 3000; ++i) {
    yaml += fmt::format("  - {{op: delete, target: twitter.tweet, object_id: \"{}\"}}\n", 5000 + i);
  }
  const std::string jobs = dir.write("jobs.yaml", yaml);
  ChildProcess run({"run", "--sandbox", "--rate", "600", "--db", db, jobs}, kEnv,
                   dir.path().string());
  ASSERT_TRUE(run.wait_for_err("job(s) to send to", 20s)) << run.err();
  std::this_thread::sleep_for(1500ms);  // some hundreds of rows in, more coming

  const std::string copy = dir.file("backup.db");
  auto backup = run_oneall({"backup", copy, "--db", db}, kEnv);
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  EXPECT_FALSE(run.wait(0ms).has_value()) << "the run ended before the backup did";
  EXPECT_FALSE(std::filesystem::exists(copy + ".partial"));

  const std::string shown = verify({"audit", "verify", "--db", copy});
  EXPECT_EQ(shown.find("audit log intact: 0 attempt"), std::string::npos) << shown;
  auto status = run_oneall({"status", "--json", "--db", copy}, kEnv);
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find(R"("pending":)"), std::string::npos) << status.out;

  ASSERT_EQ(run.wait(60s), 0) << run.err();
  verify({"audit", "verify", "--db", db});
  auto again = run_oneall({"backup", copy, "--db", db}, kEnv);  // never over an existing file
  EXPECT_EQ(again.exit_code, 2);
}

TEST(PgPruneE2e, APostgresQueuePrunesAndVerifiesAndRefusesBackup) {
  PgTestDatabase pg;
  TempDir dir;
  fill_queue(pg.uri(), 300, 200);
  const std::string archive = dir.file("archive.jsonl.gz");
  auto pruned =
      run_oneall({"prune", "--before", "30d", "--archive", archive, "--db", pg.uri()}, kEnv);
  ASSERT_EQ(pruned.exit_code, 0) << pruned.err;
  EXPECT_NE(pruned.out.find("pruned 200 job(s) and 200 attempt row(s)"), std::string::npos)
      << pruned.out;
  EXPECT_NE(pruned.out.find("space: autovacuum"), std::string::npos) << pruned.out;
  verify({"audit", "verify", "--archive", archive, "--db", pg.uri()});
  EXPECT_NE(verify({"audit", "verify", "--db", pg.uri()}).find("100 attempt row(s) chained"),
            std::string::npos);

  auto backup = run_oneall({"backup", dir.file("copy.db"), "--db", pg.uri()}, kEnv);
  EXPECT_EQ(backup.exit_code, 2);
  EXPECT_NE(backup.err.find("pg_dump"), std::string::npos) << backup.err;
  EXPECT_NE(backup.err.find("oneall-bulk copy"), std::string::npos) << backup.err;
}

}  // namespace
}  // namespace oneall
