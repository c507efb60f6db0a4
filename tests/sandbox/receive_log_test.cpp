// ReceiveLog: arrival times in order, bounded, the oldest forgotten first.
#include "sandbox/receive_log.hpp"

#include <gtest/gtest.h>

#include <future>
#include <vector>

namespace oneall::sandbox {
namespace {

using std::chrono::microseconds;
const ReceiveLog::Clock::time_point kStart{std::chrono::seconds(50)};

std::vector<std::int64_t> counts(const ReceiveTimes& times) {
  std::vector<std::int64_t> out;
  for (const microseconds t : times.since_start) out.push_back(t.count());
  return out;
}

TEST(ReceiveLog, KeepsTimesSinceStartInOrder) {
  ReceiveLog log(kStart);
  EXPECT_TRUE(log.snapshot().since_start.empty());
  log.record_at(kStart + microseconds(10));
  log.record_at(kStart + microseconds(25));
  log.record_at(kStart + microseconds(25));
  const ReceiveTimes times = log.snapshot();
  EXPECT_EQ(counts(times), (std::vector<std::int64_t>{10, 25, 25}));
  EXPECT_EQ(times.forgotten, 0u);
}

TEST(ReceiveLog, ALateRecorderIsRaisedToTheLastTime) {
  ReceiveLog log(kStart);
  log.record_at(kStart + microseconds(100));
  log.record_at(kStart + microseconds(90));
  EXPECT_EQ(counts(log.snapshot()), (std::vector<std::int64_t>{100, 100}));
}

TEST(ReceiveLog, BeyondItsCapacityTheOldestAreForgotten) {
  ReceiveLog log(kStart, 4);
  for (int i = 1; i <= 10; ++i) log.record_at(kStart + microseconds(i));
  const ReceiveTimes times = log.snapshot();
  EXPECT_EQ(counts(times), (std::vector<std::int64_t>{7, 8, 9, 10}));
  EXPECT_EQ(times.forgotten, 6u);
}

TEST(ReceiveLog, RecordsFromManyThreadsInOrder) {
  ReceiveLog log(ReceiveLog::Clock::now(), 100'000);
  std::vector<std::future<void>> writers;
  for (int t = 0; t < 4; ++t) {
    writers.push_back(std::async(std::launch::async, [&log] {
      for (int i = 0; i < 2000; ++i) log.record();
    }));
  }
  for (auto& writer : writers) writer.get();
  const ReceiveTimes times = log.snapshot();
  ASSERT_EQ(times.since_start.size(), 8000u);
  EXPECT_GE(times.since_start.front().count(), 0);
  for (std::size_t i = 1; i < times.since_start.size(); ++i) {
    ASSERT_LE(times.since_start[i - 1], times.since_start[i]) << i;
  }
}

}  // namespace
}  // namespace oneall::sandbox
