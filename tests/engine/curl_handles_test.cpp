#include "engine/curl_handles.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace oneall::engine {
namespace {

TEST(CurlGlobal, CanBeHeldManyTimes) {
  const CurlGlobal first;
  const CurlGlobal second;
  CurlEasy a = make_easy(first);
  CurlEasy b = make_easy(second);
  EXPECT_NE(a.get(), nullptr);
  EXPECT_NE(b.get(), nullptr);
}

TEST(CurlSlist, GrowsAndEmpties) {
  CurlSlist list;
  EXPECT_EQ(list.get(), nullptr);
  list.append("Accept: application/json");
  list.append("Expect:");
  ASSERT_NE(list.get(), nullptr);
  EXPECT_STREQ(list.get()->data, "Accept: application/json");
  ASSERT_NE(list.get()->next, nullptr);
  EXPECT_STREQ(list.get()->next->data, "Expect:");
  list.clear();
  EXPECT_EQ(list.get(), nullptr);
}

TEST(CurlMulti, PollWaitsEvenWithNothingToDoAndReportsNothingDone) {
  const CurlGlobal global;
  CurlMulti multi(global);
  int running = -1;
  EXPECT_EQ(multi.perform(running), CURLM_OK);
  EXPECT_EQ(running, 0);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(multi.poll(30), CURLM_OK);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(25));
  EXPECT_FALSE(multi.next_done().has_value());
}

}  // namespace
}  // namespace oneall::engine
