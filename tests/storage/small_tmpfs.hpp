// A small tmpfs of the test's own, for a real full disk under the real binary: mounted in
// SetUp (skipping the test where mounting is not allowed: it needs root, CAP_SYS_ADMIN), and
// filled on demand by a filler file that leaves a chosen number of bytes free.
#pragma once

#include <gtest/gtest.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "support/temp_dir.hpp"

namespace oneall::testing {

class SmallTmpfs : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directory(mount_point_);
    if (::mount("tmpfs", mount_point_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "size=16m") != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs here (" << std::strerror(errno)
                   << "; needs root); size_limit_test covers a full disk without it";
    }
    mounted_ = true;
  }
  void TearDown() override {
    if (mounted_) ::umount2(mount_point_.c_str(), MNT_DETACH);
  }

  // Fills the file system with a filler file until a write fails, then gives back `room` bytes.
  void fill_leaving(std::uintmax_t room) {
    {
      std::ofstream filler(filler_, std::ios::binary);
      const std::string block(4096, 'x');
      while (filler.write(block.data(), block.size())) {
      }
    }
    const std::uintmax_t size = std::filesystem::file_size(filler_);
    std::filesystem::resize_file(filler_, size > room ? size - room : 0);
  }
  void make_room() { std::filesystem::remove(filler_); }

  TempDir dir_;
  const std::string mount_point_ = dir_.file("small");
  const std::string filler_ = mount_point_ + "/filler";
  bool mounted_ = false;
};

}  // namespace oneall::testing
