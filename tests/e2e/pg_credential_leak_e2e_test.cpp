// The database password of a PostgreSQL --db never leaks: a queue's life on a URI holding a
// distinctive password (in its user-info part, and as a password= parameter through
// ONEALL_BULK_DB) — import, dry run, runs on the sandbox, status, report, audit in every
// format, audit verify, retry, cancel, and errors from a server that is not there — then every
// stdout and stderr, a dump of the whole database, and the folder the commands ran in (no lock
// file named after the URI) are searched for it.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "support/pg_test_database.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace oneall {
namespace {

using testing::PgTestDatabase;
using testing::run_oneall_in;
using testing::TempDir;

std::string random_password() {
  std::random_device device;
  return "pgpw" + std::to_string(device()) + std::to_string(device());
}

// Everything the database holds, as pg_dump writes it.
std::string dump_of(const std::string& uri) {
  const std::string command = "/usr/lib/postgresql/15/bin/pg_dump --no-owner '" + uri + "'";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  std::string dump;
  if (!pipe) return dump;
  std::array<char, 4096> buffer{};
  while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe.get())) {
    dump.append(buffer.data(), n);
  }
  return dump;
}

TEST(PgCredentialLeakE2e, TheDatabasePasswordIsInNoOutputNoRowAndNoFileName) {
  PgTestDatabase database;
  TempDir work;
  const std::string password = random_password();
  const std::string second_password = random_password();
  // The suite's cluster trusts local connections, so it accepts any password: the URI is real.
  std::string with_user_info = database.uri();
  with_user_info.replace(0, std::string("postgresql://").size(),
                         "postgresql://oneall:" + password + "@");
  const std::string with_parameter = database.uri() + "&password=" + second_password;
  const std::string jobs = work.write(
      "jobs.csv",
      "op,target,identity,page_id,object_id,board,description,link,message\n"
      "delete,twitter.tweet,2af20011-8965-471b-8f6b-8b66a611aae6,,1000001,,,,\n"
      "update,pinterest.pin,2af20011-8965-471b-8f6b-8b66a611aae6,,352969689546000001,,Moved,"
      "https://new.example/p/1,\n");
  const std::string nowhere = "postgresql://oneall:" + password + "@/db?host=" +
                              work.file("no-server") + "&port=5432";

  struct Call {
    std::vector<std::string> args;
    bool from_environment;  // --db from ONEALL_BULK_DB (the password= form) instead
  };
  const std::vector<Call> calls = {
      {{"import", jobs}, false},
      {{"run", "--dry-run"}, true},
      {{"run", "--sandbox", "--concurrency", "1"}, false},
      {{"status"}, false},
      {{"status", "--json"}, true},
      {{"report"}, false},
      {{"report", "--format", "jsonl"}, true},
      {{"audit"}, false},
      {{"audit", "--format", "csv"}, false},
      {{"audit", "--format", "jsonl"}, true},
      {{"audit", "verify"}, false},
      {{"retry"}, true},
      {{"run", "--sandbox", "--json"}, true},
      {{"cancel", "--all"}, false},
  };
  std::size_t checked = 0;
  for (const Call& call : calls) {
    std::vector<std::string> args = call.args;
    std::map<std::string, std::string> env = {{"ONEALL_BULK_DB", ""}};
    if (call.from_environment) {
      env["ONEALL_BULK_DB"] = with_parameter;
    } else {
      args.insert(args.end(), {"--db", with_user_info});
    }
    auto result = run_oneall_in(work.path().string(), args, env);
    EXPECT_TRUE(result.exit_code == 0 || result.exit_code == 1) << args[0] << ": " << result.err;
    for (const std::string& secret : {password, second_password}) {
      EXPECT_EQ(result.out.find(secret), std::string::npos) << args[0] << " stdout: " << result.out;
      EXPECT_EQ(result.err.find(secret), std::string::npos) << args[0] << " stderr: " << result.err;
    }
    checked += result.out.size() + result.err.size();
  }
  EXPECT_GT(checked, 1000u) << "the commands said something";

  // Errors: a server that is not there, for a command that reads and for a run (its lock).
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"status", "--db", nowhere},
        std::vector<std::string>{"run", "--sandbox", "--db", nowhere}}) {
    auto result = run_oneall_in(work.path().string(), args, {{"ONEALL_BULK_DB", ""}});
    EXPECT_EQ(result.exit_code, 5) << result.err;
    EXPECT_EQ(result.err.find(password), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("postgresql://oneall:***@/db"), std::string::npos) << result.err;
  }

  const std::string dump = dump_of(database.uri());
  ASSERT_NE(dump.find("CREATE TABLE public.attempts"), std::string::npos) << "pg_dump failed";
  ASSERT_NE(dump.find("/twitter/post/1000001.json"), std::string::npos);
  EXPECT_EQ(dump.find(password), std::string::npos);
  EXPECT_EQ(dump.find(second_password), std::string::npos);

  // Nothing was made beside the job file: no lock file named after a URI.
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(work.path())) {
    files.push_back(entry.path().filename().string());
  }
  EXPECT_EQ(files, std::vector<std::string>{"jobs.csv"});
}

}  // namespace
}  // namespace oneall
