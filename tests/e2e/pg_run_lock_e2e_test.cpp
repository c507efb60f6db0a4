// One run at a time on a PostgreSQL queue, for now (the many-runners step lifts it): a second
// `run` is refused with exit 3 naming who holds the queue, the lock (a session advisory lock on
// the run's own connection) is free again when that run ends, and dies with a run killed -9.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <string>

#include "support/child_process.hpp"
#include "support/pg_test_database.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace oneall {
namespace {

using namespace std::chrono_literals;
using testing::ChildProcess;
using testing::PgTestDatabase;
using testing::run_oneall;
using testing::TempDir;

constexpr const char* kStarted = "job(s) to send to";

std::string tweet_deletes(int count) {
  std::string csv = "op,target,identity,page_id,object_id,board,description,link,message\n";
  for (int i = 0; i < count; ++i) {
    csv += fmt::format("delete,twitter.tweet,2af20011-8965-471b-8f6b-8b66a611aae6,,{},,,,\n",
                       1000000 + i);
  }
  return csv;
}

class PgRunLockE2e : public ::testing::Test {
 protected:
  std::vector<std::string> run_args(std::vector<std::string> extra) const {
    std::vector<std::string> args{"run", "--sandbox", "--sandbox-latency", "250", "--db",
                                  database_.uri()};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  TempDir dir_;
  PgTestDatabase database_;
  const std::map<std::string, std::string> env_ = {{"ONEALL_BULK_DB", ""}};
};

TEST_F(PgRunLockE2e, ASecondRunIsRefusedWithThreeAndTheLockIsFreeWhenTheFirstEnds) {
  const std::string jobs = dir_.write("jobs.csv", tweet_deletes(12));
  ChildProcess first(run_args({jobs, "--concurrency", "2"}), env_, dir_.path());
  ASSERT_TRUE(first.wait_for_err(kStarted, 10s)) << first.err();

  auto second = run_oneall(run_args({}), env_);
  EXPECT_EQ(second.exit_code, 3) << second.err;
  EXPECT_NE(second.err.find("another run is working on " + database_.uri()), std::string::npos)
      << second.err;
  EXPECT_NE(second.err.find(fmt::format("pid {} on host ", first.pid())), std::string::npos)
      << second.err;
  EXPECT_NE(second.err.find(", since 20"), std::string::npos) << second.err;

  EXPECT_EQ(first.wait(20s), 0) << first.err();
  auto third = run_oneall(run_args({}), env_);
  EXPECT_EQ(third.exit_code, 0) << third.err;
}

TEST_F(PgRunLockE2e, TheLockDiesWithAKilledRun) {
  const std::string jobs = dir_.write("jobs.csv", tweet_deletes(10));
  ChildProcess first(run_args({jobs, "--concurrency", "5"}), env_, dir_.path());
  ASSERT_TRUE(first.wait_for_err(kStarted, 10s)) << first.err();
  first.signal(SIGKILL);
  EXPECT_EQ(first.wait(5s), -1);

  auto second = run_oneall(run_args({}), env_);
  EXPECT_NE(second.exit_code, 3) << second.err;
  EXPECT_EQ(second.err.find("another run"), std::string::npos) << second.err;
  EXPECT_NE(second.err.find(kStarted), std::string::npos) << second.err;
}

}  // namespace
}  // namespace oneall
