// A real full disk under the real binary: the queue on a small tmpfs, the rest of it taken by
// a filler file. `run` must stop with exit 5 and say the disk is full; after the filler goes,
// the next run finishes everything, each change made once, and the audit chain is intact.
// Mounting needs root (CAP_SYS_ADMIN); elsewhere the test is skipped and size_limit_test.cpp
// covers the same path through SQLite's own size limit.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "api/credentials.hpp"
#include "sandbox/sandbox_server.hpp"
#include "support/process.hpp"
#include "support/queue_states.hpp"
#include "storage/small_tmpfs.hpp"

namespace oneall {
namespace {

using namespace std::chrono_literals;

constexpr const char* kIdentity = "2af20011-8965-471b-8f6b-8b66a611aae6";

std::map<std::string, std::string> sandbox_env() {
  const auto credentials = api::sandbox_credentials();
  return {{"ONEALL_SUBDOMAIN", credentials.subdomain},
          {"ONEALL_PUBLIC_KEY", credentials.public_key},
          {"ONEALL_PRIVATE_KEY", credentials.private_key}};
}

using DiskFullTmpfs = testing::SmallTmpfs;

TEST_F(DiskFullTmpfs, RunStopsWithFiveAndTheNextRunWithRoomFinishes) {
  constexpr int kJobs = 300;
  const std::string db = mount_point_ + "/queue.db";
  std::string yaml = fmt::format("defaults: {{identity: {}}}\njobs:\n", kIdentity);
  for (int i = 0; i < kJobs; ++i) {
    yaml += fmt::format("  - {{op: delete, target: twitter.tweet, object_id: \"{}\"}}\n", 7000 + i);
  }
  const std::string jobs = dir_.write("jobs.yaml", yaml);  // on the ordinary disk
  auto imported = testing::run_oneall({"import", jobs, "--db", db});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;

  sandbox::SandboxServer server(sandbox::SandboxOptions{});
  ASSERT_TRUE(server.start().ok());
  const std::vector<std::string> run{"run",           "--db", db, "--endpoint", server.base_url(),
                                     "--concurrency", "4"};
  fill_leaving(160 * 1024);
  auto full = testing::run_oneall(run, sandbox_env(), 60s);
  EXPECT_EQ(full.exit_code, 5) << full.err;
  EXPECT_NE(full.err.find("disk holding the queue is full"), std::string::npos) << full.err;

  make_room();
  const testing::QueueStates stopped = testing::queue_states(db);
  EXPECT_GT(stopped.succeeded, 0) << "the disk filled up during the run, not before it";
  EXPECT_LT(stopped.succeeded, kJobs);
  auto verify = testing::run_oneall({"audit", "verify", "--db", db});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;

  auto finished = testing::run_oneall(run, sandbox_env(), 60s);
  EXPECT_EQ(finished.exit_code, 0) << finished.err;
  EXPECT_EQ(testing::queue_states(db).succeeded, kJobs);
  EXPECT_EQ(server.stats().applied, static_cast<std::uint64_t>(kJobs)) << "each change once";
  EXPECT_LE(server.stats().repeated, 2u * 4u);  // at most one per slot: 2 x --concurrency
  verify = testing::run_oneall({"audit", "verify", "--db", db});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

}  // namespace
}  // namespace oneall
