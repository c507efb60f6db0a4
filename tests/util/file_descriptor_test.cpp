// FileDescriptor closes what it owns exactly once, whoever ends up owning it: moved into another
// owner, released to the caller, or reset.
#include "util/file_descriptor.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <utility>
#include <vector>

namespace oneall {
namespace {

bool is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

int open_null() {
  const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  EXPECT_GE(fd, 0);
  return fd;
}

TEST(FileDescriptor, ClosesWhatItOwnsWhenItGoesAway) {
  int raw = -1;
  {
    FileDescriptor fd(open_null());
    raw = fd.get();
    EXPECT_TRUE(fd.valid());
    EXPECT_TRUE(is_open(raw));
  }
  EXPECT_FALSE(is_open(raw));
}

TEST(FileDescriptor, ANegativeValueOwnsNothing) {
  FileDescriptor failed(-1);
  EXPECT_FALSE(failed.valid());
  EXPECT_TRUE(failed.close());
  FileDescriptor empty;
  EXPECT_FALSE(empty.valid());
}

TEST(FileDescriptor, AMoveHandsTheDescriptorOnAndTheSourceClosesNothing) {
  FileDescriptor first(open_null());
  const int raw = first.get();
  FileDescriptor second(std::move(first));
  EXPECT_FALSE(first.valid());  // NOLINT(bugprone-use-after-move): the point of the test
  EXPECT_EQ(second.get(), raw);
  first = FileDescriptor();  // the moved-from owner's end closes nothing
  EXPECT_TRUE(is_open(raw));

  std::vector<FileDescriptor> owners;
  owners.push_back(std::move(second));
  EXPECT_TRUE(is_open(raw));
  owners.clear();
  EXPECT_FALSE(is_open(raw));
}

TEST(FileDescriptor, MoveAssignmentClosesWhatTheTargetHeld) {
  FileDescriptor target(open_null());
  const int old_raw = target.get();
  FileDescriptor source(open_null());
  const int new_raw = source.get();
  target = std::move(source);
  EXPECT_FALSE(is_open(old_raw));
  EXPECT_TRUE(is_open(new_raw));
  EXPECT_EQ(target.get(), new_raw);
}

TEST(FileDescriptor, ReleaseGivesItUpWithoutClosing) {
  int raw = -1;
  {
    FileDescriptor fd(open_null());
    raw = fd.release();
    EXPECT_FALSE(fd.valid());
  }
  EXPECT_TRUE(is_open(raw));
  FileDescriptor again(raw);  // so the test leaks nothing
}

TEST(FileDescriptor, CloseReportsAndLeavesNothingOwned) {
  FileDescriptor fd(open_null());
  const int raw = fd.get();
  EXPECT_TRUE(fd.close());
  EXPECT_FALSE(fd.valid());
  EXPECT_FALSE(is_open(raw));
}

}  // namespace
}  // namespace oneall
