// A complete HTTP/2 answer followed by RST_STREAM(NO_ERROR), through the real binary against
// nginx over TLS (issue 19). nginx answers `return 200` without reading the request body and
// then resets the stream; libcurl 7.88 hands over the whole answer and, when it still had body
// to send, fails the transfer with CURLE_HTTP2_STREAM. Such an attempt is the server's answer:
// it must end `succeeded` (libcurl's message kept in curl_error) and never be sent again.
// The reset is a race on loopback (a few in 10,000 pin updates), so rounds of updates run until
// it has happened, within a bound; a run that never provokes it fails rather than passes idle.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "support/job_text.hpp"
#include "support/nginx_http2_server.hpp"
#include "support/process.hpp"
#include "support/queue_states.hpp"
#include "support/temp_dir.hpp"

namespace oneall {
namespace {

using testing::NginxHttp2Server;
using testing::run_oneall;
using testing::TempDir;

constexpr int kJobsPerRound = 10'000;
constexpr int kMaxRounds = 6;
constexpr auto kBudget = std::chrono::seconds(20);

// `count` pin updates on objects of their own, numbered from `first`.
std::string pin_updates(int first, int count) {
  std::string csv = "op,target,identity,object_id,board,description,link\n";
  for (int i = first; i < first + count; ++i) {
    csv += fmt::format(
        "update,pinterest.pin,{},35296968{:010},board-{},pin #{},"
        "https://shop.example.com/pin/{}\n",
        testing::kTestIdentity, i, i % 97, i, i);
  }
  return csv;
}

// Attempts answered 200 with nginx's whole body although libcurl reported an error, the ones
// with `outcome_clause` (SQL) among them.
std::int64_t whole_answers_with_error(const std::string& db, const std::string& outcome_clause) {
  sqlite3* raw = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> handle(raw, &sqlite3_close);
  const std::string sql =
      "SELECT count(*) FROM attempts WHERE http_status = 200 AND curl_error <> '' "
      "AND response_body = ?1 AND " +
      outcome_clause;
  sqlite3_stmt* statement = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(handle.get(), sql.c_str(), -1, &statement, nullptr), SQLITE_OK);
  std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> owner(statement, &sqlite3_finalize);
  const std::string_view body = NginxHttp2Server::success_body();
  sqlite3_bind_text(statement, 1, body.data(), static_cast<int>(body.size()), SQLITE_STATIC);
  EXPECT_EQ(sqlite3_step(statement), SQLITE_ROW);
  return sqlite3_column_int64(statement, 0);
}

TEST(Http2CompleteAnswerE2e, AStreamResetAfterAWholeAnswerSucceedsAndIsNeverSentAgain) {
  TempDir dir;
  const NginxHttp2Server nginx(dir.file("nginx"));
  const std::string db = dir.file("q.db");
  const std::map<std::string, std::string> env = {{"ONEALL_SUBDOMAIN", "h2"},
                                                  {"ONEALL_PUBLIC_KEY", "h2-public-key"},
                                                  {"ONEALL_PRIVATE_KEY", "h2-private-key"},
                                                  {"ONEALL_BULK_CONFIG", ""},
                                                  {"XDG_CONFIG_HOME", dir.path().string()}};
  const auto deadline = std::chrono::steady_clock::now() + kBudget;
  int jobs = 0;
  std::int64_t resets = 0;
  for (int round = 0;
       round < kMaxRounds && resets == 0 && std::chrono::steady_clock::now() < deadline; ++round) {
    const std::string file =
        dir.write(fmt::format("round-{}.csv", round), pin_updates(jobs, kJobsPerRound));
    jobs += kJobsPerRound;
    const auto run = run_oneall({"run", file, "--db", db, "--endpoint", nginx.base_url(),
                                 "--cacert", nginx.ca_path(), "--concurrency", "64", "--quiet"},
                                env);
    ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
    resets = whole_answers_with_error(db, "1");
  }
  ASSERT_GT(resets, 0) << "no whole answer came with a libcurl error in " << jobs
                       << " updates: the reset after a complete answer was not provoked";

  EXPECT_EQ(whole_answers_with_error(db, "outcome <> 'succeeded'"), 0)
      << "an attempt nginx answered completely was counted as a failure and sent again";
  const testing::QueueStates states = testing::queue_states(db);
  EXPECT_EQ(states.total, jobs);
  EXPECT_EQ(states.succeeded, jobs);
  RecordProperty("updates", jobs);
  RecordProperty("whole_answers_with_a_reset", static_cast<int>(resets));
}

}  // namespace
}  // namespace oneall
