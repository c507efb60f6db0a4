// run --metrics-file's file: written whole (a new file renamed over the name, nothing left
// beside it), readable by the textfile collector's user, rewritten only every kEveryMs while
// the run goes, and always at its end.
#include "cli/metrics_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/exposition_samples.hpp"
#include "support/temp_dir.hpp"

namespace oneall::cli {
namespace {

using oneall::testing::TempDir;
using testing::exposition_samples;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

std::string sample(const std::string& path, const std::string& series) {
  const auto samples = exposition_samples(read_file(path));
  const auto it = samples.find(series);
  return it == samples.end() ? "(absent)" : it->second;
}

engine::RunSummary with_requests(std::int64_t succeeded) {
  engine::RunSummary summary;
  store::AttemptRecord row;
  row.outcome = "succeeded";
  row.http_status = 200;
  for (std::int64_t i = 0; i < succeeded; ++i) summary.metrics.count(row);
  return summary;
}

constexpr const char* kSucceeded = R"(oneall_bulk_requests_total{outcome="succeeded"})";

TEST(RunMetricsFile, IsWrittenWholeAndReadableByAll) {
  TempDir dir;
  ManualClock clock;
  const std::string path = dir.file("oneall-bulk.prom");
  RunMetricsFile file(path, clock, clock.now_ms());
  ASSERT_TRUE(file.write().ok());
  EXPECT_EQ(sample(path, "oneall_bulk_run_in_progress"), "1");
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0644u);
  // Only the file itself: the new file it was written as took its name.
  int entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    ++entries;
  }
  EXPECT_EQ(entries, 1);
}

TEST(RunMetricsFile, ProgressIsWrittenEveryFewSecondsAndTheEndAlways) {
  TempDir dir;
  ManualClock clock;
  const std::string path = dir.file("run.prom");
  RunMetricsFile file(path, clock, clock.now_ms());
  ASSERT_TRUE(file.write().ok());
  EXPECT_EQ(sample(path, kSucceeded), "0");

  clock.advance_ms(RunMetricsFile::kEveryMs - 100);
  file.update(with_requests(3));
  EXPECT_EQ(sample(path, kSucceeded), "0");  // too soon
  clock.advance_ms(100);
  file.update(with_requests(5));
  EXPECT_EQ(sample(path, kSucceeded), "5");
  clock.advance_ms(10);
  file.update(with_requests(6));
  EXPECT_EQ(sample(path, kSucceeded), "5");

  clock.advance_ms(10);
  ASSERT_TRUE(file.finish(1, clock.now_ms()).ok());  // the last snapshot, with the ending
  EXPECT_EQ(sample(path, kSucceeded), "6");
  EXPECT_EQ(sample(path, "oneall_bulk_run_in_progress"), "0");
  EXPECT_EQ(sample(path, "oneall_bulk_run_exit_code"), "1");
  EXPECT_EQ(sample(path, "oneall_bulk_run_duration_seconds"), "5.02");
}

TEST(RunMetricsFile, AFailedWriteSaysWhichFileAndIsTriedAgain) {
  TempDir dir;
  ManualClock clock;
  const std::string folder = dir.file("textfile");
  const std::string path = folder + "/run.prom";
  RunMetricsFile file(path, clock, clock.now_ms());
  Status first = file.write();
  ASSERT_FALSE(first.ok());
  EXPECT_NE(first.error().message.find(path), std::string::npos) << first.error().message;
  EXPECT_NE(first.error().message.find("metrics file"), std::string::npos);

  std::filesystem::create_directory(folder);
  clock.advance_ms(RunMetricsFile::kEveryMs);
  file.update(with_requests(2));
  EXPECT_EQ(sample(path, kSucceeded), "2");
}

}  // namespace
}  // namespace oneall::cli
