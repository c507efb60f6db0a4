#include "util/bounded_channel.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace oneall {
namespace {

TEST(BoundedChannel, HoldsAtMostItsCapacityAndGivesItemsInOrder) {
  BoundedChannel<int> channel(2);
  ASSERT_TRUE(channel.push(1));
  ASSERT_TRUE(channel.push(2));
  int third = 3;
  EXPECT_FALSE(channel.try_push(third)) << "full";
  EXPECT_EQ(third, 3) << "a refused item stays with the caller";
  EXPECT_EQ(channel.pop(), 1);
  EXPECT_TRUE(channel.try_push(third));
  EXPECT_EQ(channel.try_pop(), 2);
  EXPECT_EQ(channel.pop(), 3);
  EXPECT_EQ(channel.try_pop(), std::nullopt);
}

TEST(BoundedChannel, AfterCloseItTakesNothingAndHandsOutWhatItHeld) {
  BoundedChannel<int> channel(4);
  ASSERT_TRUE(channel.push(1));
  channel.close();
  EXPECT_FALSE(channel.push(2));
  int item = 3;
  EXPECT_FALSE(channel.try_push(item));
  EXPECT_EQ(channel.pop(), 1);
  EXPECT_EQ(channel.pop(), std::nullopt) << "closed and empty: pop does not wait";
}

// A producer far faster than its consumer never holds more than the capacity, and every item
// arrives once, in order.
TEST(BoundedChannel, AProducerWaitsForRoomAndNothingIsLostOrReordered) {
  constexpr int kItems = 10'000;
  BoundedChannel<int> channel(3);
  std::thread producer([&] {
    for (int i = 0; i < kItems; ++i) ASSERT_TRUE(channel.push(i));
    channel.close();
  });
  std::vector<int> got;
  while (auto item = channel.pop()) got.push_back(*item);
  producer.join();
  ASSERT_EQ(got.size(), static_cast<std::size_t>(kItems));
  for (int i = 0; i < kItems; ++i) ASSERT_EQ(got[static_cast<std::size_t>(i)], i);
}

// The consumer closing the channel wakes a producer waiting for room: push returns false.
TEST(BoundedChannel, ClosingWakesAProducerWaitingForRoom) {
  BoundedChannel<int> channel(1);
  ASSERT_TRUE(channel.push(0));
  bool pushed = true;
  std::thread producer([&] { pushed = channel.push(1); });
  channel.close();
  producer.join();
  EXPECT_FALSE(pushed);
}

}  // namespace
}  // namespace oneall
