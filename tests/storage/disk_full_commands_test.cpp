// import, retry and cancel on a real full disk, through the real binary: each ends with exit 5
// and the same advice as `run` ("the disk holding the queue is full: free some space ..."),
// naming what it was doing, and changes nothing; with room again, the same command works.
// Every store failure becomes its Error through one helper (store::store_error), so no command
// can drop the advice another gives.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>

#include "api/credentials.hpp"
#include "sandbox/sandbox_server.hpp"
#include "storage/small_tmpfs.hpp"
#include "support/process.hpp"
#include "support/queue_states.hpp"

namespace oneall {
namespace {

using namespace std::chrono_literals;

constexpr const char* kIdentity = "2af20011-8965-471b-8f6b-8b66a611aae6";
constexpr const char* kFullDiskAdvice =
    "the disk holding the queue is full: free some space and run again";
// Room left on the full disk: enough to open the queue (its -shm file, the header), not to
// write a change to thousands of jobs.
constexpr std::uintmax_t kRoom = 96 * 1024;

std::string deletes(int first, int count) {
  std::string yaml = fmt::format("defaults: {{identity: {}}}\njobs:\n", kIdentity);
  for (int i = first; i < first + count; ++i) {
    yaml += fmt::format("  - {{op: delete, target: twitter.tweet, object_id: \"{}\"}}\n", i);
  }
  return yaml;
}

class DiskFullCommands : public testing::SmallTmpfs {
 protected:
  std::string db() const { return mount_point_ + "/queue.db"; }
  // Jobs files live on the ordinary disk.
  std::string jobs(const std::string& name, int first, int count) {
    return dir_.write(name, deletes(first, count));
  }
};

TEST_F(DiskFullCommands, ImportEndsWithFiveAndTheAdviceAndQueuesNothing) {
  ASSERT_EQ(testing::run_oneall({"import", "--db", db(), jobs("a.yaml", 1, 5)}).exit_code, 0);
  const std::string big = jobs("b.yaml", 1000, 4000);
  fill_leaving(kRoom);
  auto full = testing::run_oneall({"import", "--db", db(), big});
  EXPECT_EQ(full.exit_code, 5) << full.err;
  EXPECT_NE(full.err.find(kFullDiskAdvice), std::string::npos) << full.err;
  EXPECT_NE(full.err.find("nothing was queued"), std::string::npos) << full.err;

  make_room();
  EXPECT_EQ(testing::queue_states(db()).total, 5) << "all or nothing";
  EXPECT_EQ(testing::run_oneall({"import", "--db", db(), big}).exit_code, 0);
  EXPECT_EQ(testing::queue_states(db()).total, 4005);
}

TEST_F(DiskFullCommands, RetryEndsWithFiveAndTheAdviceAndMovesNothing) {
  // Few enough that the run's attempt rows and write-ahead log fit the 16 MiB disk.
  constexpr int kJobs = 1000;
  const std::string file = jobs("a.yaml", 1, kJobs);
  // Wrong keys: every job is answered 401 and fails (the breaker off, so all of them do).
  sandbox::SandboxServer server(sandbox::SandboxOptions{});
  ASSERT_TRUE(server.start().ok());
  const auto credentials = api::sandbox_credentials();
  auto run = testing::run_oneall(
      {"run", "--db", db(), "--endpoint", server.base_url(), "--max-auth-failures", "0", file},
      {{"ONEALL_SUBDOMAIN", credentials.subdomain},
       {"ONEALL_PUBLIC_KEY", credentials.public_key},
       {"ONEALL_PRIVATE_KEY", "not-the-key"}},
      120s);
  ASSERT_EQ(run.exit_code, 1) << run.err.substr(0, 2000);
  ASSERT_EQ(testing::queue_states(db()).failed, kJobs);

  fill_leaving(kRoom);
  auto full = testing::run_oneall({"retry", "--db", db()});
  EXPECT_EQ(full.exit_code, 5) << full.out << full.err;
  EXPECT_NE(full.err.find("cannot move failed and dead jobs back to pending"), std::string::npos)
      << full.err;
  EXPECT_NE(full.err.find(kFullDiskAdvice), std::string::npos) << full.err;

  make_room();
  EXPECT_EQ(testing::queue_states(db()).failed, kJobs) << "a failed change moves nothing";
  EXPECT_EQ(testing::run_oneall({"retry", "--db", db()}).exit_code, 0);
  EXPECT_EQ(testing::queue_states(db()).pending, kJobs);
}

TEST_F(DiskFullCommands, CancelEndsWithFiveAndTheAdviceAndCancelsNothing) {
  constexpr int kJobs = 3000;
  ASSERT_EQ(testing::run_oneall({"import", "--db", db(), jobs("a.yaml", 1, kJobs)}).exit_code, 0);
  fill_leaving(kRoom);
  auto full = testing::run_oneall({"cancel", "--all", "--db", db()});
  EXPECT_EQ(full.exit_code, 5) << full.out << full.err;
  EXPECT_NE(full.err.find("cannot cancel pending jobs"), std::string::npos) << full.err;
  EXPECT_NE(full.err.find(kFullDiskAdvice), std::string::npos) << full.err;

  make_room();
  EXPECT_EQ(testing::queue_states(db()).pending, kJobs);
  EXPECT_EQ(testing::run_oneall({"cancel", "--all", "--db", db()}).exit_code, 0);
  EXPECT_EQ(testing::queue_states(db()).pending, 0);
}

}  // namespace
}  // namespace oneall
