// `oneall-bulk --version`: the program's version and git revision, and the versions of the
// libraries it runs with, the run-time ones being those this test process loads too.
#include <curl/curl.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>

#include <array>
#include <string>

#include "support/process.hpp"

namespace oneall {
namespace {

using testing::run_oneall;

// The source tree's HEAD commit, or "" when it is not a git checkout.
std::string source_head() {
  const std::string command =
      std::string("git -C '") + ONEALL_SOURCE_DIR + "' rev-parse HEAD 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return "";
  std::array<char, 128> buffer{};
  std::string out;
  while (fgets(buffer.data(), buffer.size(), pipe) != nullptr) out += buffer.data();
  pclose(pipe);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

TEST(VersionE2e, NamesTheVersionRevisionAndLibraries) {
  const auto result = run_oneall({"--version"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::string& out = result.out;
  EXPECT_EQ(out.rfind("oneall-bulk 0.", 0), 0u) << out;

  const std::string head = source_head();
  const auto open = out.find('(');
  const auto close = out.find(')');
  ASSERT_TRUE(open != std::string::npos && close != std::string::npos) << out;
  const std::string revision = out.substr(open + 1, close - open - 1);
  if (head.empty()) {
    EXPECT_EQ(revision, "unknown");
  } else {
    EXPECT_NE(revision.find(head.substr(0, 12)), std::string::npos)
        << "revision " << revision << ", HEAD " << head;
  }

  const int pq = PQlibVersion();
  for (const std::string& line :
       {std::string("libcurl ") + curl_version_info(CURLVERSION_NOW)->version + " with ",
        std::string("SQLite ") + sqlite3_libversion() + " (run time)",
        "libpq " + std::to_string(pq / 10000) + "." + std::to_string(pq % 10000) + " (run time)",
        std::string("simdjson 3."), std::string("yaml-cpp 0.")}) {
    EXPECT_NE(out.find("\n" + line), std::string::npos) << "no line " << line << " in\n" << out;
  }
}

TEST(VersionE2e, IsTakenWithoutACommand) {
  // The program requires a command otherwise; --version and --help are the exceptions.
  const auto result = run_oneall({"--version", "--db", "/nonexistent/q.db"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.err, "");
}

}  // namespace
}  // namespace oneall
