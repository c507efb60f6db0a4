// One queue's life through the real binary, on a SQLite file and on a PostgreSQL database (the
// suite's throw-away cluster): import (twice, and a second batch), cancel, run --sandbox with a
// job that fails, status (text and JSON), report, audit, audit verify, retry and a second run,
// and the errors of a missing queue. Every step must give the same exit code and, once the
// queue's name, times, ports, rates and hashes are masked, the same output on both backends.
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "support/pg_test_database.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace oneall {
namespace {

using testing::PgTestDatabase;
using testing::run_oneall;
using testing::TempDir;

struct Step {
  std::vector<std::string> args;  // without --db
  int exit_code = 0;
  std::string out;
  std::string err;
};

// What differs between two runs of the same steps whatever the backend.
std::string masked(std::string text, const std::string& db, const std::string& dir) {
  for (std::size_t at = text.find(db); at != std::string::npos; at = text.find(db, at)) {
    text.replace(at, db.size(), "QUEUE");
  }
  for (std::size_t at = text.find(dir); at != std::string::npos; at = text.find(dir, at)) {
    text.replace(at, dir.size(), "DIR");
  }
  static const std::vector<std::pair<std::regex, std::string>> kMasks = {
      {std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z)"), "TIME"},
      {std::regex(R"(\b[0-9a-f]{64}\b)"), "HASH"},
      {std::regex(R"(127\.0\.0\.1:\d+)"), "127.0.0.1:PORT"},
      {std::regex(R"(\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0000)"), "DATE"},  // the sandbox's
      {std::regex(R"(TIME,TIME,\d+,)"), "TIME,TIME,MS,"},  // audit's duration_ms column
      {std::regex(R"([0-9.]+ s \([0-9.]+/s\))"), "S (R/s)"},
      {std::regex(R"((p50|p90|p99) \d+ ms)"), "$1 N ms"},  // latency: timing, not the backend
      {std::regex(R"re("(p50|p90|p99)":\d+)re"), "\"$1\":N"},
      {std::regex(R"re("(duration_ms|rate_per_s|started_at|ended_at|created_at|updated_at)":[0-9.]+)re"),
       "\"$1\":N"},
  };
  for (const auto& [pattern, replacement] : kMasks) {
    text = std::regex_replace(text, pattern, replacement);
  }
  return text;
}

// The steps of one queue's life in `dir`, on the queue `db`.
std::vector<Step> queue_life(const std::string& db, const TempDir& dir) {
  const std::string id = "2af20011-8965-471b-8f6b-8b66a611aae6";
  // The update comes after the delete of the same pin: the sandbox answers it 404, so it fails.
  const std::string jobs = dir.write(
      "jobs.csv",
      "op,target,identity,page_id,object_id,board,description,link,message\n"
      "delete,pinterest.pin," + id + ",,352969689546000001,,,,\n"
      "update,pinterest.pin," + id + ",,352969689546000001,,Moved,https://new.example/p/1,\n"
      "delete,twitter.tweet," + id + ",,1000001,,,,\n"
      "delete,facebook.page.post," + id + ",1234,1234_5678,,,,\n");
  const std::string more = dir.write(
      "more.csv",
      "op,target,identity,page_id,object_id,board,description,link,message\n"
      "delete,twitter.tweet," + id + ",,1000002,,,,\n"
      "delete,twitter.tweet," + id + ",,1000003,,,,\n");
  const std::vector<std::vector<std::string>> commands = {
      {"status"},
      {"report"},
      {"import", jobs},
      {"import", jobs},
      {"import", more},
      {"run", "--dry-run"},
      {"cancel", "--batch", "2"},
      {"run", "--sandbox", "--concurrency", "1"},  // one at a time: the log's order is fixed
      {"status"},
      {"status", "--json"},
      {"report"},
      {"report", "--state", "failed", "--format", "jsonl"},
      {"audit", "--format", "csv"},
      {"audit", "verify"},
      {"retry"},
      {"run", "--sandbox", "--concurrency", "1", "--json"},
      {"audit", "verify"},
      {"status", "--json"},
  };
  std::vector<Step> steps;
  for (const auto& command : commands) {
    Step& step = steps.emplace_back();
    step.args = command;
    std::vector<std::string> args = command;
    args.insert(args.end(), {"--db", db});
    auto result = run_oneall(args, {{"ONEALL_BULK_DB", ""}});
    step.exit_code = result.exit_code;
    step.out = masked(result.out, db, dir.path().string());
    step.err = masked(result.err, db, dir.path().string());
  }
  return steps;
}

std::string joined(const std::vector<std::string>& args) {
  std::string text;
  for (const auto& arg : args) text += arg + " ";
  return text;
}

TEST(PgQueueE2e, EveryCommandGivesTheSameOutputsAndExitCodesAsOnSqlite) {
  TempDir sqlite_dir;
  TempDir pg_dir;
  PgTestDatabase database;
  const auto on_sqlite = queue_life(sqlite_dir.file("queue.db"), sqlite_dir);
  const auto on_pg = queue_life(database.uri(), pg_dir);
  ASSERT_EQ(on_sqlite.size(), on_pg.size());
  for (std::size_t i = 0; i < on_sqlite.size(); ++i) {
    const std::string step = joined(on_sqlite[i].args);
    EXPECT_EQ(on_pg[i].exit_code, on_sqlite[i].exit_code) << step << "\n" << on_pg[i].err;
    EXPECT_EQ(on_pg[i].out, on_sqlite[i].out) << step;
    if (i < 2) {  // "no queue there" says what to check: the path, or the URI
      EXPECT_EQ(on_pg[i].err.rfind("there is no queue at QUEUE (--db): ", 0), 0u) << on_pg[i].err;
    } else {
      EXPECT_EQ(on_pg[i].err, on_sqlite[i].err) << step;
    }
  }
  // The steps did what they say (so that "the same" is not "the same failure").
  EXPECT_EQ(on_pg[0].exit_code, 2);                                    // no queue yet
  const auto said = [&](std::size_t i) { return on_pg[i].out + on_pg[i].err; };
  EXPECT_NE(said(7).find("3 succeeded, 1 failed"), std::string::npos) << said(7);
  EXPECT_NE(said(13).find("audit log intact: 4 attempt row(s)"), std::string::npos) << said(13);
  EXPECT_NE(said(14).find("1 job(s) moved back"), std::string::npos) << said(14);
  EXPECT_NE(said(16).find("audit log intact: 5 attempt row(s)"), std::string::npos) << said(16);
}

}  // namespace
}  // namespace oneall
