// `oneall-bulk --version`: the program's version and git revision, and the versions of the
// libraries it runs with, the run-time ones being those this test process loads too.
#include <curl/curl.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>

#include <array>
#include <filesystem>
#include <regex>
#include <string>

#include "support/process.hpp"

namespace oneall {
namespace {

using testing::run_oneall;

// Runs a git command in the source tree; its exit status, and its output in `out`.
int git_in_source(const std::string& args, std::string* out = nullptr) {
  const std::string command =
      std::string("git -C '") + ONEALL_SOURCE_DIR + "' " + args + " 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return -1;
  std::array<char, 128> buffer{};
  std::string text;
  while (fgets(buffer.data(), buffer.size(), pipe) != nullptr) text += buffer.data();
  if (out != nullptr) *out = text;
  return pclose(pipe);
}

TEST(VersionE2e, NamesTheVersionRevisionAndLibraries) {
  const auto result = run_oneall({"--version"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::string& out = result.out;
  EXPECT_EQ(out.rfind("oneall-bulk 0.", 0), 0u) << out;

  const auto open = out.find('(');
  const auto close = out.find(')');
  ASSERT_TRUE(open != std::string::npos && close != std::string::npos) << out;
  const std::string revision = out.substr(open + 1, close - open - 1);
  std::string top;
  const bool checkout =
      git_in_source("rev-parse --show-toplevel", &top) == 0 &&
      std::filesystem::equivalent(top.substr(0, top.find('\n')), ONEALL_SOURCE_DIR);
  if (!checkout) {  // a tarball, even one unpacked inside another repository
    EXPECT_EQ(revision, "unknown");
  } else {
    // `git describe --always --dirty`: [TAG-N-g]HASH[-dirty], HASH a commit of this
    // repository (the one built, which need not be HEAD if a commit came after the build).
    std::smatch parts;
    ASSERT_TRUE(
        std::regex_match(revision, parts, std::regex(R"((?:.*-g)?([0-9a-f]{12,40})(-dirty)?)")))
        << revision;
    EXPECT_EQ(git_in_source("cat-file -e " + parts[1].str() + "^{commit}"), 0)
        << revision << " is not a commit of " << ONEALL_SOURCE_DIR;
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
