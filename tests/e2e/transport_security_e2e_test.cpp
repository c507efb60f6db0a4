// Transport rules through the real binary (docs/cli.md, issue 7): `check` against the real
// sandbox (good keys, wrong keys, nothing listening), the credentials file's mode rule, plain
// http refused for every host that is not loopback (with tricky look-alikes), and TLS always
// verified: a self-signed loopback server is refused, and accepted with --cacert.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <ostream>
#include <string>

#include "sandbox/sandbox_server.hpp"
#include "support/job_text.hpp"
#include "support/process.hpp"
#include "support/queue_states.hpp"
#include "support/sandbox_fixture.hpp"
#include "support/temp_dir.hpp"
#include "support/tls_test_server.hpp"

namespace oneall {
namespace {

using testing::run_oneall;
using testing::TempDir;
using testing::TlsTestServer;
using testing::yaml_job;

// Credentials in the environment, and a config home of the test's own so that no file of the
// machine's user is read.
std::map<std::string, std::string> env_with(const TempDir& dir, const std::string& subdomain,
                                            const std::string& public_key,
                                            const std::string& private_key) {
  return {{"ONEALL_SUBDOMAIN", subdomain},
          {"ONEALL_PUBLIC_KEY", public_key},
          {"ONEALL_PRIVATE_KEY", private_key},
          {"ONEALL_BULK_CONFIG", ""},
          {"XDG_CONFIG_HOME", dir.path().string()}};
}

std::map<std::string, std::string> sandbox_env(const TempDir& dir) {
  const auto c = api::sandbox_credentials();
  return env_with(dir, c.subdomain, c.public_key, c.private_key);
}

// A loopback port nothing listens on: bound, then closed.
int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), length), 0);
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  ::close(fd);
  return ntohs(address.sin_port);
}

std::string two_jobs(const TempDir& dir) {
  return dir.write("jobs.yaml", fmt::format("defaults: {{identity: {}}}\n"
                                            "jobs:\n"
                                            "  - {{op: delete, target: twitter.tweet, object_id: "
                                            "'1'}}\n"
                                            "  - {{op: delete, target: twitter.tweet, object_id: "
                                            "'2'}}\n",
                                            testing::kTestIdentity));
}

class CheckE2e : public testing::SandboxFixture {};

TEST_F(CheckE2e, GoodKeysExitZeroAndSayTheyWork) {
  TempDir dir;
  const auto check = run_oneall({"check", "--endpoint", base_url()}, sandbox_env(dir));
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_NE(check.out.find("ok: " + base_url() + "/tools/ping.json answered 200"),
            std::string::npos)
      << check.out;
  EXPECT_EQ(stats().requests, 1u) << "one GET and nothing else";
}

TEST_F(CheckE2e, WrongKeysExitFourSayingSoWithoutShowingThem) {
  TempDir dir;
  const std::string wrong = "wrong-private-9c1d7e";
  const auto check = run_oneall({"check", "--endpoint", base_url(), "--json"},
                                env_with(dir, "sandbox", "sandbox-public-key", wrong));
  EXPECT_EQ(check.exit_code, 4);
  EXPECT_NE(check.err.find("wrong keys:"), std::string::npos) << check.err;
  EXPECT_NE(check.err.find("answered 401"), std::string::npos) << check.err;
  EXPECT_NE(check.out.find(R"("reason":"wrong_keys")"), std::string::npos) << check.out;
  EXPECT_EQ((check.out + check.err).find(wrong), std::string::npos);
}

TEST_F(CheckE2e, NothingListeningExitsFourAsUnreachable) {
  TempDir dir;
  const auto check = run_oneall(
      {"check", "--endpoint", fmt::format("http://127.0.0.1:{}", closed_port())}, sandbox_env(dir));
  EXPECT_EQ(check.exit_code, 4);
  EXPECT_NE(check.err.find("unreachable:"), std::string::npos) << check.err;
}

TEST_F(CheckE2e, ReadsTheCredentialsFileAndRefusesOneOthersCanRead) {
  TempDir dir;
  const auto c = api::sandbox_credentials();
  const std::string config = dir.write(
      "credentials", fmt::format("# test site\nsubdomain = {}\npublic_key = {}\nprivate_key = {}\n",
                                 c.subdomain, c.public_key, c.private_key));
  std::map<std::string, std::string> env = env_with(dir, "", "", "");
  ::chmod(config.c_str(), 0600);
  const auto good = run_oneall({"check", "--endpoint", base_url(), "--config", config}, env);
  EXPECT_EQ(good.exit_code, 0) << good.err;

  env["ONEALL_BULK_CONFIG"] = config;  // the same file through the environment
  EXPECT_EQ(run_oneall({"check", "--endpoint", base_url()}, env).exit_code, 0);

  ::chmod(config.c_str(), 0644);
  const auto refused = run_oneall({"check", "--endpoint", base_url()}, env);
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find(config + ": holds a private key but its mode is 0644"),
            std::string::npos)
      << refused.err;
  EXPECT_NE(refused.err.find("chmod 600 " + config), std::string::npos) << refused.err;
  EXPECT_EQ(refused.err.find(c.private_key), std::string::npos) << refused.err;
  EXPECT_EQ(stats().requests, 2u) << "the refused file sent nothing";
}

struct RefusedEndpoint {
  const char* name;
  const char* url;
};

// Names the row in gtest's output instead of dumping its bytes.
void PrintTo(const RefusedEndpoint& c, std::ostream* os) { *os << c.name; }

class HttpRefusalE2e : public ::testing::TestWithParam<RefusedEndpoint> {};

TEST_P(HttpRefusalE2e, ExitsTwoWithTheReasonAndSendsNothing) {
  TempDir dir;
  const std::string db = dir.file("q.db");
  const std::string secret = "refusal-secret-4b2a";
  const auto env = env_with(dir, "site", "pub", secret);
  const auto run =
      run_oneall({"run", two_jobs(dir), "--db", db, "--endpoint", GetParam().url}, env);
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_FALSE(run.err.empty());
  EXPECT_FALSE(std::filesystem::exists(db)) << "refused before the queue was even opened";
  EXPECT_EQ(run.err.find(secret), std::string::npos);

  const auto dry_run = run_oneall(
      {"run", "--dry-run", two_jobs(dir), "--db", db, "--endpoint", GetParam().url}, env);
  EXPECT_EQ(dry_run.exit_code, 2) << "a rehearsal refuses what the run would";
  EXPECT_EQ(dry_run.err, run.err);

  const auto check = run_oneall({"check", "--endpoint", GetParam().url}, env);
  EXPECT_EQ(check.exit_code, 2) << check.err;
  EXPECT_EQ(check.err, run.err) << "check refuses for the same reason";
}

INSTANTIATE_TEST_SUITE_P(
    Hosts, HttpRefusalE2e,
    ::testing::Values(RefusedEndpoint{"public_host", "http://example.com"},
                      RefusedEndpoint{"loopback_lookalike", "http://127.0.0.1.evil.com"},
                      RefusedEndpoint{"localhost_lookalike", "http://localhost.example"},
                      RefusedEndpoint{"subdomain_of_localhost", "http://evil.localhost.com"},
                      RefusedEndpoint{"ipv4_mapped_public", "http://[::ffff:8.8.8.8]"},
                      RefusedEndpoint{"ipv4_mapped_public_port", "http://[::ffff:8.8.8.8]:80/"},
                      RefusedEndpoint{"userinfo_trick", "http://127.0.0.1@evil.com"},
                      RefusedEndpoint{"userinfo_with_port", "http://localhost:80@evil.com/"},
                      RefusedEndpoint{"decimal_ip", "http://2130706433"},
                      RefusedEndpoint{"hex_ip", "http://0x7f.0.0.1"},
                      RefusedEndpoint{"public_ip", "http://8.8.8.8:8080"},
                      RefusedEndpoint{"trailing_dot_lookalike", "http://127.0.0.1.:80"},
                      RefusedEndpoint{"backslash_trick", "http://127.0.0.1\\@evil.com"},
                      RefusedEndpoint{"not_http", "ftp://127.0.0.1/"}),
    [](const auto& info) { return std::string(info.param.name); });

class LoopbackHttpE2e : public testing::SandboxFixture {};

TEST_F(LoopbackHttpE2e, PlainHttpToLoopbackIsAllowed) {
  TempDir dir;
  for (const std::string& host : {std::string("127.0.0.1"), std::string("localhost")}) {
    restart_sandbox({});  // the same two objects again, all present
    const auto run = run_oneall({"run", two_jobs(dir), "--db", dir.file(host + ".db"), "--endpoint",
                                 fmt::format("http://{}:{}", host, port())},
                                sandbox_env(dir));
    EXPECT_EQ(run.exit_code, 0) << host << ": " << run.err;
    EXPECT_EQ(stats().requests, 2u) << host;
  }
}

TEST(TlsE2e, ASelfSignedServerIsRefusedAndAcceptedWithCacert) {
  TempDir dir;
  TlsTestServer server(dir.path().string());
  const auto env = env_with(dir, "site", "tls-public", "tls-private");

  const auto refused = run_oneall({"check", "--endpoint", server.base_url()}, env);
  EXPECT_EQ(refused.exit_code, 4);
  EXPECT_NE(refused.err.find("TLS failure:"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("--cacert"), std::string::npos) << refused.err;

  const std::string db = dir.file("q.db");
  const auto run =
      run_oneall({"run", two_jobs(dir), "--db", db, "--endpoint", server.base_url()}, env);
  EXPECT_EQ(run.exit_code, 1) << "a TLS failure fails the jobs (not retried): " << run.err;
  const auto audit = run_oneall({"audit", "--format", "jsonl", "--db", db});
  EXPECT_NE(audit.out.find("tls_error"), std::string::npos) << audit.out;
  EXPECT_EQ(server.requests(), 0) << "nothing may be sent over an unverified connection";
  EXPECT_EQ(server.handshakes(), 0);

  const auto accepted =
      run_oneall({"check", "--endpoint", server.base_url(), "--cacert", server.cert_path()}, env);
  EXPECT_EQ(accepted.exit_code, 0) << accepted.err;
  EXPECT_EQ(server.requests(), 1);

  const auto retry = run_oneall({"retry", "--db", db});
  ASSERT_EQ(retry.exit_code, 0) << retry.err;
  const auto sent = run_oneall(
      {"run", "--db", db, "--endpoint", server.base_url(), "--cacert", server.cert_path()}, env);
  EXPECT_EQ(sent.exit_code, 0) << sent.err;
  EXPECT_EQ(server.requests(), 3);
}

TEST(TlsE2e, ACacertFileWithoutACertificateIsBadUsage) {
  TempDir dir;
  const auto env = env_with(dir, "site", "p", "k");
  const auto missing = run_oneall(
      {"check", "--endpoint", "https://127.0.0.1:1", "--cacert", dir.file("absent.pem")}, env);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("absent.pem"), std::string::npos) << missing.err;
  const auto not_pem = run_oneall({"check", "--endpoint", "https://127.0.0.1:1", "--cacert",
                                   dir.write("x.pem", "not a certificate")},
                                  env);
  EXPECT_EQ(not_pem.exit_code, 2);
  EXPECT_NE(not_pem.err.find("no PEM certificate"), std::string::npos) << not_pem.err;
}

}  // namespace
}  // namespace oneall
