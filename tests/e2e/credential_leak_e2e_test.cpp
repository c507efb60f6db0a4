// No leaked keys (docs/cli.md#credentials): a queue's life — import, dry runs, runs against the
// real sandbox with distinctive random keys from the environment and from a config file, wrong
// keys (401s and the circuit breaker), 404s and injected 500s, check, status, audit in every
// format, report --out, audit verify — then every file the runs created (database, -wal, -shm,
// lock, exports; only the config file itself is left out) and every stdout and stderr is
// searched for the private keys, the public keys and the base64 Basic header values. The files
// holding users' data must be 0600.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "sandbox/sandbox_server.hpp"
#include "support/child_process.hpp"
#include "support/job_text.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "util/base64.hpp"

namespace oneall {
namespace {

using testing::ChildProcess;
using testing::run_oneall;
using testing::TempDir;

std::string random_key(const char* prefix) {
  std::random_device device;
  std::string key = prefix;
  for (int i = 0; i < 4; ++i) key += fmt::format("{:08x}", device());
  return key;
}

std::string read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class CredentialLeakE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    good_ = {"leaksite", random_key("pubk"), random_key("privk")};
    wrong_private_ = random_key("wrongk");
    secrets_ = {
        {"private key", good_.private_key},
        {"public key", good_.public_key},
        {"wrong private key", wrong_private_},
        {"Basic header value", base64_encode(good_.public_key + ":" + good_.private_key)},
        {"wrong Basic header value", base64_encode(good_.public_key + ":" + wrong_private_)},
        {"base64 of the private key", base64_encode(good_.private_key)}};
    std::filesystem::create_directories(work_.path() / "config");
    std::filesystem::create_directories(work_.path() / "out");
    std::filesystem::create_directories(work_.path() / "children");
    db_ = work_.file("out/q.db");
  }

  std::string config_file(const std::string& name, const std::string& private_key) {
    const std::string path = work_.write(
        "config/" + name, fmt::format("subdomain = {}\npublic_key = {}\nprivate_key = {}\n",
                                      good_.subdomain, good_.public_key, private_key));
    ::chmod(path.c_str(), 0600);
    return path;
  }

  std::map<std::string, std::string> env(bool with_keys) const {
    std::map<std::string, std::string> e = {{"ONEALL_BULK_CONFIG", ""},
                                            {"XDG_CONFIG_HOME", work_.file("config")}};
    e["ONEALL_SUBDOMAIN"] = with_keys ? good_.subdomain : "";
    e["ONEALL_PUBLIC_KEY"] = with_keys ? good_.public_key : "";
    e["ONEALL_PRIVATE_KEY"] = with_keys ? good_.private_key : "";
    return e;
  }

  // Runs the binary, keeps what it printed for the final search, and scans the files now.
  testing::ProcessResult step(const std::vector<std::string>& args, bool with_keys) {
    auto result = run_oneall(args, env(with_keys));
    outputs_.push_back({fmt::format("`{}` stdout", fmt::join(args, " ")), result.out});
    outputs_.push_back({fmt::format("`{}` stderr", fmt::join(args, " ")), result.err});
    scan_files();
    return result;
  }

  // Every file under out/ (the database, its -wal and -shm while they exist, the lock, the
  // exports) is searched now, and its mode recorded.
  void scan_files() {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(work_.file("out"))) {
      if (!entry.is_regular_file()) continue;
      const std::string path = entry.path().string();
      seen_files_.insert(path);
      search(path, read_all(entry.path()));
      struct stat info {};
      ASSERT_EQ(::stat(path.c_str(), &info), 0);
      EXPECT_EQ(info.st_mode & 0777, 0600u) << path << " is readable by others";
    }
  }

  void search(const std::string& where, const std::string& text) {
    for (const auto& [what, secret] : secrets_) {
      EXPECT_EQ(text.find(secret), std::string::npos) << "the " << what << " is in " << where;
    }
  }

  std::string jobs_file(const std::string& name, const std::vector<std::string>& object_ids) {
    std::string text = fmt::format("defaults: {{identity: {}}}\njobs:\n", testing::kTestIdentity);
    for (const auto& id : object_ids) {
      text += fmt::format("  - {{op: delete, target: twitter.tweet, object_id: '{}'}}\n", id);
      text += fmt::format(
          "  - {{op: update, target: pinterest.pin, object_id: 'p{}', set: {{board: b, link: "
          "'https://example.com/{}'}}}}\n",
          id, id);
    }
    return work_.write(name, text);
  }

  TempDir work_;
  api::Credentials good_;
  std::string wrong_private_;
  std::map<std::string, std::string> secrets_;
  std::string db_;
  std::vector<std::pair<std::string, std::string>> outputs_;
  std::set<std::string> seen_files_;
};

TEST_F(CredentialLeakE2e, NoKeyInAnyFileOrOutputOfAFullRunAndUsersDataIs0600) {
  sandbox::SandboxOptions options;
  options.credentials = good_;
  options.missing_objects = {"gone-1"};  // a first-attempt 404: failed
  options.error_rate = 0.3;              // 500/503s: retried
  options.seed = 7;
  options.latency_ms = 40;  // long enough to catch -wal and -shm while a run holds them
  sandbox::SandboxServer server(options);
  ASSERT_TRUE(server.start().ok());
  const std::string endpoint = server.base_url();
  const std::string good_config = config_file("good", good_.private_key);
  const std::string wrong_config = config_file("wrong", wrong_private_);

  const std::string first = jobs_file("first.yaml", {"gone-1", "1", "2", "3"});
  const std::string second = jobs_file("second.yaml", {"4", "5", "6", "7"});
  const std::string db = db_;

  step({"validate", first}, true);
  step({"run", "--dry-run", first}, true);
  step({"run", "--dry-run", "--json", first}, true);
  EXPECT_EQ(step({"import", first, "--db", db}, true).exit_code, 0);
  step({"run", "--dry-run", "--db", db}, true);
  step({"run", "--dry-run", "--json", "--db", db}, true);

  // Wrong keys from a config file: 401s until the breaker stops the run.
  const auto refused = step({"run", "--db", db, "--endpoint", endpoint, "--config", wrong_config,
                             "--max-auth-failures", "2", "--concurrency", "1", "--json"},
                            false);
  EXPECT_EQ(refused.exit_code, 4) << refused.err;
  EXPECT_EQ(step({"check", "--endpoint", endpoint, "--config", wrong_config}, false).exit_code, 4);
  EXPECT_EQ(
      step({"check", "--endpoint", endpoint, "--config", wrong_config, "--json"}, false).exit_code,
      4);

  // Good keys from the environment, watched while it runs: its -wal and -shm are scanned too.
  {
    ChildProcess child({"run", second, "--db", db, "--endpoint", endpoint, "--concurrency", "2",
                        "--retry-base", "10ms", "--retry-cap", "20ms"},
                       env(true), work_.file("children"));
    ASSERT_TRUE(child.wait_for_err("job(s) to send", std::chrono::seconds(30))) << child.err();
    scan_files();
    const auto code = child.wait(std::chrono::seconds(60));
    ASSERT_TRUE(code.has_value());
    EXPECT_LE(*code, 1) << child.err();
    outputs_.push_back({"child run stdout", child.out()});
    outputs_.push_back({"child run stderr", child.err()});
  }
  EXPECT_TRUE(seen_files_.count(db + "-wal") == 1 && seen_files_.count(db + "-shm") == 1)
      << "the -wal and -shm files were never seen while a run held the database";

  // Good keys from the config file, with --json.
  const auto worked = step({"run", "--db", db, "--endpoint", endpoint, "--config", good_config,
                            "--retry-base", "10ms", "--retry-cap", "20ms", "--json"},
                           false);
  EXPECT_LE(worked.exit_code, 1) << worked.err;
  EXPECT_EQ(step({"check", "--endpoint", endpoint, "--config", good_config}, false).exit_code, 0);
  EXPECT_EQ(step({"check", "--endpoint", endpoint, "--json"}, true).exit_code, 0);
  EXPECT_GT(server.stats().unauthorized, 0u) << "the wrong keys were really tried";

  step({"status", "--db", db}, false);
  step({"status", "--json", "--db", db}, false);
  step({"audit", "--db", db}, false);
  step({"audit", "--format", "csv", "--db", db}, false);
  step({"audit", "--format", "jsonl", "--db", db}, false);
  step({"audit", "--format", "csv", "--out", work_.file("out/audit.csv"), "--db", db}, false);
  step({"audit", "--format", "jsonl", "--out", work_.file("out/audit.jsonl"), "--db", db}, false);
  step({"report", "--db", db}, false);
  step({"report", "--format", "jsonl", "--db", db}, false);
  step({"report", "--format", "csv", "--out", work_.file("out/report.csv"), "--db", db}, false);
  step({"report", "--format", "jsonl", "--out", work_.file("out/report.jsonl"), "--db", db}, false);
  EXPECT_EQ(step({"audit", "verify", "--db", db}, false).exit_code, 0);
  EXPECT_EQ(step({"audit", "verify", "--json", "--db", db}, false).exit_code, 0);

  for (const auto& [where, text] : outputs_) search(where, text);
  for (const char* name :
       {"q.db", "q.db.lock", "audit.csv", "audit.jsonl", "report.csv", "report.jsonl"}) {
    EXPECT_EQ(seen_files_.count(work_.file(std::string("out/") + name)), 1u) << name;
  }
  // The test can fail: the keys it looks for do reach the sandbox's request log.
  EXPECT_GT(server.stats().requests, 8u);
}

}  // namespace
}  // namespace oneall
