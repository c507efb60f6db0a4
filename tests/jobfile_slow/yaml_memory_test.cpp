// A YAML job file far larger than memory allowed for it: `oneall-bulk validate` must read it
// within a fixed peak RSS. The reader that loaded the whole document (a yaml-cpp node tree of
// about 7.6 KiB a job) needed 1.2 GiB for these 200,000 jobs. Slow (seconds), hence its own
// suite (label integration_slow).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>

#include "support/temp_dir.hpp"

namespace oneall {
namespace {

constexpr int kJobs = 200000;

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
// Sanitizers keep shadow memory and freed blocks of their own (ASan measured 512 MiB); the old
// reader needed 1.2 GiB even without them.
constexpr long kPeakRssLimitKib = 900 * 1024;
#else
constexpr long kPeakRssLimitKib = 64 * 1024;  // the target of the bench (bench/README.md)
#endif

// The bench's shape (bench/import/run.sh): half pin updates with a link and a description,
// half pin deletes, two identities, one flow map a job.
void write_jobs(const std::string& path) {
  std::ofstream out(path);
  out << "jobs:\n";
  const char* identities[] = {"2af20011-8965-471b-8f6b-8b66a611aae6",
                              "7c9e6679-7425-40de-944b-e07fc1f90ae7"};
  char object[32];
  for (int i = 0; i < kJobs; ++i) {
    std::snprintf(object, sizeof object, "3529696895%08d", i);
    if (i % 2 == 0) {
      out << "  - {op: update, target: pinterest.pin, identity: " << identities[i % 2]
          << ", object_id: \"" << object
          << "\", set: {link: \"https://shop.example.com/tour?pin=" << i
          << "\", description: \"Tour photo, day " << i % 31 << "\"}}\n";
    } else {
      out << "  - {op: delete, target: pinterest.pin, identity: " << identities[i % 2]
          << ", object_id: \"" << object << "\"}\n";
    }
  }
}

struct Finished {
  int exit_code = -1;  // -1: killed, or past the time limit
  long peak_rss_kib = 0;
};

// Runs the binary with stdout and stderr to files; its peak RSS is the kernel's, from wait4.
Finished run_measured(const std::vector<std::string>& args, const std::string& out_path,
                      std::chrono::seconds limit) {
  std::vector<char*> argv;
  std::string binary = ONEALL_BINARY;
  argv.push_back(binary.data());
  std::vector<std::string> copies = args;
  for (std::string& arg : copies) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    const int fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  Finished finished;
  if (pid < 0) return finished;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  int status = 0;
  rusage usage{};
  while (wait4(pid, &status, WNOHANG, &usage) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      wait4(pid, &status, 0, &usage);
      return finished;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  finished.peak_rss_kib = usage.ru_maxrss;
  if (WIFEXITED(status)) finished.exit_code = WEXITSTATUS(status);
  return finished;
}

TEST(YamlMemoryTest, ValidatesTwoHundredThousandJobsInBoundedMemory) {
  testing::TempDir dir;
  const std::string jobs = dir.file("jobs.yaml");
  write_jobs(jobs);
  const std::string out = dir.file("validate.out");
  const Finished run = run_measured({"validate", jobs}, out, std::chrono::seconds(600));
  std::ifstream printed(out);
  const std::string text((std::istreambuf_iterator<char>(printed)), {});
  ASSERT_EQ(run.exit_code, 0) << text;
  EXPECT_NE(text.find("valid, 200000 jobs"), std::string::npos) << text;
  EXPECT_LE(run.peak_rss_kib, kPeakRssLimitKib)
      << "peak RSS " << run.peak_rss_kib / 1024 << " MiB for " << kJobs << " jobs";
}

}  // namespace
}  // namespace oneall
