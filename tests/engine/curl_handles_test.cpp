#include "engine/curl_handles.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "engine/engine_test_helpers.hpp"
#include "sandbox/sandbox_server.hpp"

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

TEST(CurlMulti, AWakeupFromAnotherThreadEndsAPollOnce) {
  const CurlGlobal global;
  CurlMulti multi(global);
  std::thread waker([&multi] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(multi.wakeup(), CURLM_OK);
  });
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(multi.poll(10'000), CURLM_OK);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  waker.join();
  // Consumed: the next poll waits its whole timeout again.
  const auto again = std::chrono::steady_clock::now();
  EXPECT_EQ(multi.poll(30), CURLM_OK);
  EXPECT_GE(std::chrono::steady_clock::now() - again, std::chrono::milliseconds(25));
}

// Transfers move by socket events and libcurl's timer: a request to a live server completes,
// one to a closed port fails to connect, both reported through next_done. `close_after` has
// libcurl close the connection when the transfer ends; `connects` gets how many it opened.
CURLcode transfer(CurlMulti& multi, const CurlGlobal& global, const std::string& url,
                  bool close_after = false, long* connects = nullptr) {
  CurlEasy easy = make_easy(global);
  curl_easy_setopt(easy.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy.get(), CURLOPT_FORBID_REUSE, close_after ? 1L : 0L);
  curl_easy_setopt(
      easy.get(), CURLOPT_WRITEFUNCTION,
      +[](char*, size_t size, size_t count, void*) { return size * count; });
  curl_easy_setopt(easy.get(), CURLOPT_TIMEOUT_MS, 5'000L);
  EXPECT_EQ(multi.add(easy.get()), CURLM_OK);
  std::optional<CurlMulti::Done> done;
  for (int turn = 0; turn < 1'000 && !done; ++turn) {  // bounded: at most ~10 s of polls
    int running = 0;
    EXPECT_EQ(multi.perform(running), CURLM_OK);
    done = multi.next_done();
    if (!done) {
      EXPECT_EQ(multi.poll(10), CURLM_OK);
    }
  }
  if (connects != nullptr) curl_easy_getinfo(easy.get(), CURLINFO_NUM_CONNECTS, connects);
  EXPECT_EQ(multi.remove(easy.get()), CURLM_OK);
  return done ? done->result : CURLE_OPERATION_TIMEDOUT;
}

TEST(CurlMulti, DrivesTransfersToTheirEndByEvents) {
  sandbox::SandboxServer server(sandbox::SandboxOptions{});
  ASSERT_TRUE(server.start().ok());
  const CurlGlobal global;
  CurlMulti multi(global);
  EXPECT_EQ(transfer(multi, global, server.base_url() + "/sandbox/stats"), CURLE_OK);
  EXPECT_EQ(transfer(multi, global, server.base_url() + "/sandbox/stats"), CURLE_OK);
  EXPECT_EQ(
      transfer(multi, global, "http://127.0.0.1:" + std::to_string(testing::closed_port()) + "/"),
      CURLE_COULDNT_CONNECT);
}

// The epoll set follows libcurl's sockets across transfers: a connection kept between them is
// dropped from the set and watched again when reused, and a new connection is watched as the
// new socket it is (its descriptor is often the number of the one just closed).
TEST(CurlMulti, FollowsSocketsAcrossReusedClosedAndNewConnections) {
  sandbox::SandboxServer server(sandbox::SandboxOptions{});
  ASSERT_TRUE(server.start().ok());
  const CurlGlobal global;
  CurlMulti multi(global);
  const std::string url = server.base_url() + "/sandbox/stats";
  long connects = -1;
  ASSERT_EQ(transfer(multi, global, url, false, &connects), CURLE_OK);
  EXPECT_EQ(connects, 1);
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(transfer(multi, global, url, true, &connects), CURLE_OK) << round;
    EXPECT_EQ(connects, 0) << "reuses the kept connection, then closes it; round " << round;
    EXPECT_EQ(transfer(multi, global, url, false, &connects), CURLE_OK) << round;
    EXPECT_EQ(connects, 1) << "a new connection after the close; round " << round;
  }
}

}  // namespace
}  // namespace oneall::engine
