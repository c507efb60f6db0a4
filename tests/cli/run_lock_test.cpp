#include "cli/run_lock.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "support/temp_dir.hpp"

namespace oneall::cli {
namespace {

using testing::TempDir;

constexpr EpochMs kSince = 1'700'000'000'000;  // 2023-11-14T22:13:20.000Z

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

TEST(RunLock, TheFirstHoldsItAndWritesWhoItIs) {
  TempDir dir;
  const std::string db = dir.file("q.db");
  auto lock = RunLock::try_acquire(db, kSince);
  ASSERT_TRUE(lock.ok()) << lock.error().message;
  EXPECT_TRUE(lock->owns_lock());
  EXPECT_EQ(lock->path(), db + ".lock");
  const std::string details = read_file(db + ".lock");
  EXPECT_NE(details.find("pid=" + std::to_string(getpid()) + "\n"), std::string::npos) << details;
  EXPECT_NE(details.find("since=2023-11-14T22:13:20.000Z\n"), std::string::npos) << details;

  struct stat info {};
  ASSERT_EQ(stat((db + ".lock").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

TEST(RunLock, ASecondIsRefusedWithTheHoldersDetailsUntilTheFirstEnds) {
  TempDir dir;
  const std::string db = dir.file("q.db");
  {
    auto first = RunLock::try_acquire(db, kSince);
    ASSERT_TRUE(first.ok() && first->owns_lock());
    // flock belongs to the open file, so a second open in the same process conflicts too.
    auto second = RunLock::try_acquire(db, kSince + 1000);
    ASSERT_TRUE(second.ok()) << second.error().message;
    EXPECT_FALSE(second->owns_lock());
    char host[256] = {};
    ASSERT_EQ(gethostname(host, sizeof host - 1), 0);
    EXPECT_EQ(second->holder(),
              fmt::format("pid {} on host {}, since 2023-11-14T22:13:20.000Z", getpid(), host));
    // The refused attempt left the holder's details alone.
    EXPECT_NE(read_file(db + ".lock").find("since=2023-11-14T22:13:20.000Z"), std::string::npos);
  }
  auto third = RunLock::try_acquire(db, kSince + 2000);
  ASSERT_TRUE(third.ok());
  EXPECT_TRUE(third->owns_lock());
}

TEST(RunLock, MovingKeepsOneOwner) {
  TempDir dir;
  const std::string db = dir.file("q.db");
  auto first = RunLock::try_acquire(db, kSince);
  ASSERT_TRUE(first.ok());
  RunLock moved = std::move(*first);
  EXPECT_TRUE(moved.owns_lock());
  EXPECT_FALSE(first->owns_lock());  // NOLINT(bugprone-use-after-move): checking the state
  EXPECT_FALSE(RunLock::try_acquire(db, kSince)->owns_lock());
}

TEST(RunLock, ReleasedWhenTheHolderIsKilled) {
  TempDir dir;
  const std::string db = dir.file("q.db");
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto lock = RunLock::try_acquire(db, kSince);
    const char byte = lock.ok() && lock->owns_lock() ? 'y' : 'n';
    (void)!write(ready[1], &byte, 1);
    pause();  // until killed
    _exit(0);
  }
  close(ready[1]);
  char byte = 0;
  ASSERT_EQ(read(ready[0], &byte, 1), 1);
  close(ready[0]);
  ASSERT_EQ(byte, 'y');

  auto while_held = RunLock::try_acquire(db, kSince);
  ASSERT_TRUE(while_held.ok());
  EXPECT_FALSE(while_held->owns_lock());
  EXPECT_NE(while_held->holder().find("pid " + std::to_string(child)), std::string::npos)
      << while_held->holder();

  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  auto after = RunLock::try_acquire(db, kSince);
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->owns_lock());
}

TEST(RunLock, AnUnwritableFolderIsAnErrorThatNamesTheFile) {
  auto lock = RunLock::try_acquire("/nonexistent-folder/q.db", kSince);
  ASSERT_FALSE(lock.ok());
  EXPECT_NE(lock.error().message.find("/nonexistent-folder/q.db.lock"), std::string::npos)
      << lock.error().message;
}

TEST(RunLock, AnEmptyLockFileSaysTheHolderHasNotWrittenYet) {
  TempDir dir;
  const std::string db = dir.file("q.db");
  auto first = RunLock::try_acquire(db, kSince);
  ASSERT_TRUE(first.ok());
  std::ofstream(db + ".lock", std::ios::trunc).flush();  // as between flock and write
  auto second = RunLock::try_acquire(db, kSince);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->owns_lock());
  EXPECT_NE(second->holder().find("not written its details yet"), std::string::npos);
}

}  // namespace
}  // namespace oneall::cli
