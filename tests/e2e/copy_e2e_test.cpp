// `copy` through the real binary: a queue that a real run against the sandbox filled (runs, an
// attempt log with its chain, a failed job) moves from SQLite to PostgreSQL and back to a new
// SQLite file, and each copy verifies and shows the status its source showed; a run then works
// on the copy with new run ids. A destination that holds anything, a source that is not there
// and a source a run holds are refused with nothing written; an edited attempt row is copied
// as it is, so the copy's `audit verify` finds the same break.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <regex>
#include <string>

#include "cli/run_lock.hpp"
#include "store/queue.hpp"
#include "support/pg_test_database.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "util/clock.hpp"

namespace oneall {
namespace {

using testing::PgTestDatabase;
using testing::run_oneall;
using testing::TempDir;

const std::map<std::string, std::string> kEnv = {{"ONEALL_BULK_DB", ""}};

// The update comes after the delete of the same pin: the sandbox answers it 404, so it fails.
constexpr const char* kJobs =
    "op,target,identity,page_id,object_id,board,description,link,message\n"
    "delete,pinterest.pin,2af20011-8965-471b-8f6b-8b66a611aae6,,352969689546000001,,,,\n"
    "update,pinterest.pin,2af20011-8965-471b-8f6b-8b66a611aae6,,352969689546000001,,Moved,"
    "https://new.example/p/1,\n"
    "delete,twitter.tweet,2af20011-8965-471b-8f6b-8b66a611aae6,,1000001,,,,\n"
    "delete,twitter.tweet,2af20011-8965-471b-8f6b-8b66a611aae6,,1000002,,,,\n";

// A command's JSON without the queue's name, which differs between source and copy.
std::string without_queue(const std::string& json) {
  return std::regex_replace(json, std::regex(R"re(^\{"queue":"[^"]*",)re"), "{");
}

std::string status_json(const std::string& db) {
  auto status = run_oneall({"status", "--json", "--db", db}, kEnv);
  EXPECT_EQ(status.exit_code, 0) << status.err;
  return without_queue(status.out);
}

class CopyE2e : public ::testing::Test {
 protected:
  // A SQLite queue after one run against the sandbox: 3 succeeded, 1 failed, 4 attempt rows.
  void SetUp() override {
    const std::string jobs = dir_.write("jobs.csv", kJobs);
    auto run = run_oneall({"run", "--sandbox", "--concurrency", "1", "--db", source_, jobs}, kEnv);
    ASSERT_EQ(run.exit_code, 1) << run.err;  // one job failed
  }

  int sqlite(const std::string& db, const std::string& sql) {
    return std::system(("sqlite3 '" + db + "' \"" + sql + "\"").c_str());
  }

  TempDir dir_;
  const std::string source_ = dir_.file("source.db");
};

TEST_F(CopyE2e, SqliteToPostgresAndBackVerifiesAndShowsTheSameStatus) {
  PgTestDatabase pg;
  const std::string shown = status_json(source_);
  ASSERT_NE(shown.find(R"("succeeded":3)"), std::string::npos) << shown;

  auto up = run_oneall({"copy", source_, pg.uri()}, kEnv);
  ASSERT_EQ(up.exit_code, 0) << up.err;
  EXPECT_NE(up.out.find(fmt::format("copied {} to {}", source_, pg.uri())), std::string::npos)
      << up.out;
  EXPECT_NE(up.out.find("1 batch(es), 4 job(s), 1 run(s), 4 attempt row(s), 0 job(s) in "
                        "flight, 1 setting(s), 11 rows in "),
            std::string::npos)
      << up.out;
  auto verify = run_oneall({"audit", "verify", "--db", pg.uri()}, kEnv);
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_NE(verify.out.find("audit log intact: 4 attempt row(s)"), std::string::npos) << verify.out;
  EXPECT_EQ(status_json(pg.uri()), shown);

  const std::string back = dir_.file("back.db");
  auto down = run_oneall({"copy", pg.uri(), back, "--json"}, kEnv);
  ASSERT_EQ(down.exit_code, 0) << down.err;
  EXPECT_NE(down.out.find(R"("settings":1,"batches":1,"runs":1,"jobs":4,"attempts":4,)"
                          R"("in_flight":0,"paused_scopes":0,"rows":11,)"),
            std::string::npos)
      << down.out;
  EXPECT_EQ(run_oneall({"audit", "verify", "--db", back}, kEnv).exit_code, 0);
  EXPECT_EQ(status_json(back), shown);

  // The copies work on as queues: a retry and a second run, with a new run id after the copied.
  for (const std::string& copy : {pg.uri(), back}) {
    SCOPED_TRACE(copy);
    ASSERT_EQ(run_oneall({"retry", "--db", copy}, kEnv).exit_code, 0);
    auto again = run_oneall({"run", "--sandbox", "--concurrency", "1", "--db", copy}, kEnv);
    EXPECT_TRUE(again.exit_code == 0 || again.exit_code == 1) << again.err;
    const std::string after = status_json(copy);
    EXPECT_TRUE(
        std::regex_search(after, std::regex(R"re("last_run":\{"id":2,[^}]*"attempts":1\})re")))
        << after;
    auto chained = run_oneall({"audit", "verify", "--db", copy}, kEnv);
    EXPECT_EQ(chained.exit_code, 0) << chained.out;
    EXPECT_NE(chained.out.find("intact: 5 attempt row(s)"), std::string::npos) << chained.out;
  }
}

TEST_F(CopyE2e, AnEditedAttemptRowIsCopiedAsItIsAndTheCopyShowsTheSameBreak) {
  ASSERT_EQ(sqlite(source_, "UPDATE attempts SET response_body = '{}' WHERE id = 3"), 0);
  auto broken = run_oneall({"audit", "verify", "--json", "--db", source_}, kEnv);
  ASSERT_EQ(broken.exit_code, 1) << broken.out;
  ASSERT_NE(broken.out.find(R"("row_id":3)"), std::string::npos) << broken.out;

  PgTestDatabase pg;
  ASSERT_EQ(run_oneall({"copy", source_, pg.uri()}, kEnv).exit_code, 0);
  auto copied = run_oneall({"audit", "verify", "--json", "--db", pg.uri()}, kEnv);
  EXPECT_EQ(copied.exit_code, 1);
  EXPECT_EQ(without_queue(copied.out), without_queue(broken.out));
}

TEST_F(CopyE2e, ADestinationThatHoldsAQueueIsRefusedWithTwoAndKeptAsItIs) {
  const std::string dest = dir_.file("busy.db");
  const std::string other =
      dir_.write("other.csv",
                 "op,target,identity,page_id,object_id,board,description,link,message\n"
                 "delete,twitter.tweet,2af20011-8965-471b-8f6b-8b66a611aae6,,42,,,,\n");
  ASSERT_EQ(run_oneall({"import", other, "--db", dest}, kEnv).exit_code, 0);
  const std::string before = status_json(dest);

  auto refused = run_oneall({"copy", source_, dest}, kEnv);
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_EQ(refused.out, "");
  EXPECT_NE(refused.err.find(dest + " already holds a queue (1 batch(es), 1 job(s), 0 run(s)"),
            std::string::npos)
      << refused.err;
  EXPECT_NE(refused.err.find("Nothing was copied."), std::string::npos) << refused.err;
  EXPECT_EQ(std::count(refused.err.begin(), refused.err.end(), '\n'), 1) << refused.err;
  EXPECT_EQ(status_json(dest), before);

  // The same on PostgreSQL, and into the source itself.
  PgTestDatabase pg;
  ASSERT_EQ(run_oneall({"import", other, "--db", pg.uri()}, kEnv).exit_code, 0);
  EXPECT_EQ(run_oneall({"copy", source_, pg.uri()}, kEnv).exit_code, 2);
  EXPECT_EQ(run_oneall({"copy", source_, source_}, kEnv).exit_code, 2);
}

TEST_F(CopyE2e, ASourceThatIsNotThereIsRefusedWithTwoAndNothingIsCreated) {
  const std::string missing = dir_.file("missing.db");
  const std::string dest = dir_.file("dest.db");
  auto refused = run_oneall({"copy", missing, dest, "--json"}, kEnv);
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("there is no queue at " + missing), std::string::npos) << refused.err;
  EXPECT_NE(refused.out.find(R"("exit_code":2)"), std::string::npos) << refused.out;
  EXPECT_FALSE(std::filesystem::exists(missing));
  EXPECT_FALSE(std::filesystem::exists(missing + ".lock"));
  EXPECT_FALSE(std::filesystem::exists(dest));

  PgTestDatabase empty;  // a database without a queue
  EXPECT_EQ(run_oneall({"copy", empty.uri(), dest}, kEnv).exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(dest));
}

TEST_F(CopyE2e, ASourceThatARunHoldsIsRefusedWithThreeAndNothingIsWritten) {
  const std::string dest = dir_.file("dest.db");
  {
    auto lock = cli::RunLock::try_acquire(source_, 0);  // as a run on the SQLite queue holds it
    ASSERT_TRUE(lock.ok()) << lock.error().message;
    ASSERT_TRUE(lock->owns_lock());
    auto refused = run_oneall({"copy", source_, dest}, kEnv);
    EXPECT_EQ(refused.exit_code, 3);
    EXPECT_NE(refused.err.find("a run is working on " + source_), std::string::npos) << refused.err;
    EXPECT_FALSE(std::filesystem::exists(dest));
  }
  // A PostgreSQL queue has no run lock: a live run (one that has begun and not ended, its
  // heartbeat fresh) holds it.
  PgTestDatabase pg;
  ASSERT_EQ(run_oneall({"copy", source_, pg.uri()}, kEnv).exit_code, 0);
  SystemClock clock;
  auto queue = store::Queue::open(pg.uri(), clock, store::QueueOpen::kExistingOnly);
  ASSERT_TRUE(queue.ok()) << queue.error().message;
  auto run = (*queue)->begin_run("{}", 60'000);
  ASSERT_TRUE(run.ok()) << run.error().message;
  auto refused = run_oneall({"copy", pg.uri(), dest}, kEnv);
  EXPECT_EQ(refused.exit_code, 3);
  EXPECT_NE(refused.err.find(fmt::format("a run is working on {}: run {}, pid ", pg.uri(), *run)),
            std::string::npos)
      << refused.err;
  EXPECT_FALSE(std::filesystem::exists(dest));
  ASSERT_TRUE((*queue)->end_run(*run, 0, "{}").ok());

  // Free again once the runs are over.
  EXPECT_EQ(run_oneall({"copy", pg.uri(), dest}, kEnv).exit_code, 0);
}

TEST(CopyProgressE2e, ALongCopySaysHowFarItIsOnStderrEveryHundredThousandRows) {
  TempDir dir;
  std::string csv = "op,target,identity,page_id,object_id,board,description,link,message\n";
  for (int i = 0; i < 100'000; ++i) {
    csv += fmt::format("delete,twitter.tweet,2af20011-8965-471b-8f6b-8b66a611aae6,,{},,,,\n",
                       1'000'000 + i);
  }
  const std::string source = dir.file("big.db");
  ASSERT_EQ(run_oneall({"import", dir.write("big.csv", csv), "--db", source}, kEnv).exit_code, 0);
  auto copied = run_oneall({"copy", source, dir.file("copy.db")}, kEnv);
  ASSERT_EQ(copied.exit_code, 0) << copied.err;
  EXPECT_EQ(copied.err, "copied 100000 of 100001 rows (99%)\n");
  EXPECT_NE(copied.out.find("1 batch(es), 100000 job(s), 0 run(s)"), std::string::npos)
      << copied.out;
}

}  // namespace
}  // namespace oneall
