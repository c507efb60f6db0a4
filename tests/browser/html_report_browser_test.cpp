// `report --format html` opened in a real browser: a sample run against the sandbox over
// loopback, its report written by the built binary, then loaded by headless Chromium (Debian's
// chromium package; CI installs it with scripts/setup.sh --tests). The page must load with no
// console message at all (it has no script, so any message is a problem: a load its
// Content-Security-Policy blocked, a parse error) and its rendered DOM must show the totals by
// state that `status --json` gives. A missing chromium fails, never skips.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "api/credentials.hpp"
#include "sandbox/sandbox_server.hpp"
#include "support/job_text.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace oneall {
namespace {

using namespace std::chrono_literals;
using testing::run_oneall;
using testing::run_program;
using testing::TempDir;

constexpr const char* kChromium = "/usr/bin/chromium";

struct PageLoad {
  int exit_code = -1;
  std::string dom;                   // the DOM after loading, serialised
  std::vector<std::string> console;  // the page's console messages
  std::string log;                   // everything Chromium wrote to stderr
};

// Loads `html` in headless Chromium with a profile of its own under `dir`, waits for the page to
// settle (virtual time), and returns its DOM and console messages.
PageLoad load_in_chromium(const std::string& html, const TempDir& dir) {
  PageLoad page;
  const testing::ProcessResult result = run_program(
      {kChromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
       "--no-first-run", "--no-default-browser-check", "--disable-extensions",
       "--user-data-dir=" + dir.file("chromium-profile"), "--enable-logging=stderr", "--v=0",
       "--virtual-time-budget=3000", "--dump-dom", "file://" + html},
      60s);
  page.exit_code = result.exit_code;
  page.dom = result.out;
  page.log = result.err;
  std::istringstream lines(result.err);
  for (std::string line; std::getline(lines, line);) {
    if (line.find(":CONSOLE") != std::string::npos) page.console.push_back(line);
  }
  return page;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

std::string sample_jobs() {
  std::string yaml = fmt::format("defaults: {{identity: {}}}\njobs:\n", testing::kTestIdentity);
  for (int i = 0; i < 60; ++i) {
    yaml += fmt::format("  - {{op: delete, target: twitter.tweet, object_id: \"{}\"}}\n", 700 + i);
  }
  for (int i = 0; i < 20; ++i) {
    yaml += fmt::format(
        "  - {{op: update, target: pinterest.pin, object_id: \"{}\", set: {{board: b}}}}\n",
        900 + i);
  }
  return yaml;
}

class HtmlReportBrowser : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(kChromium))
        << kChromium << " is missing: install Debian's chromium package "
        << "(bash scripts/setup.sh --tests)";
    sandbox::SandboxOptions options;
    options.error_rate = 0.15;
    options.seed = 11;
    options.missing_objects = {"703", "717"};  // two deletes answer 404: failed
    server_ = std::make_unique<sandbox::SandboxServer>(options);
    ASSERT_TRUE(server_->start().ok());
    const auto credentials = api::sandbox_credentials();
    const std::map<std::string, std::string> env = {
        {"ONEALL_SUBDOMAIN", credentials.subdomain},
        {"ONEALL_PUBLIC_KEY", credentials.public_key},
        {"ONEALL_PRIVATE_KEY", credentials.private_key}};
    const std::string jobs = dir_.write("sample.yaml", sample_jobs());
    // Two attempts at most: some 500/503s leave their job dead, so every colour shows.
    const auto run =
        run_oneall({"run", jobs, "--db", db_, "--endpoint", server_->base_url(), "--max-attempts",
                    "2", "--retry-base", "1ms", "--retry-cap", "5ms", "--quiet"},
                   env, 60s);
    ASSERT_EQ(run.exit_code, 1) << "some jobs fail (404) or die: " << run.err;
    const auto report =
        run_oneall({"report", "--format", "html", "--db", db_, "--out", html_}, {}, 60s);
    ASSERT_EQ(report.exit_code, 0) << report.err;
  }

  TempDir dir_;
  std::string db_ = dir_.file("queue.db");
  std::string html_ = dir_.file("report.html");
  std::unique_ptr<sandbox::SandboxServer> server_;
};

TEST_F(HtmlReportBrowser, LoadsWithoutConsoleMessagesAndShowsTheTotalsOfStatus) {
  const PageLoad page = load_in_chromium(html_, dir_);
  ASSERT_EQ(page.exit_code, 0) << page.log;
  EXPECT_TRUE(page.console.empty()) << page.console.front();
  ASSERT_NE(page.dom.find("<h1>oneall-bulk report</h1>"), std::string::npos) << page.dom;

  const auto status = run_oneall({"status", "--json", "--db", db_});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(status.out).get(doc), simdjson::SUCCESS) << status.out;
  std::int64_t total = -1;
  ASSERT_EQ(doc["total"].get_int64().get(total), simdjson::SUCCESS);
  EXPECT_EQ(total, 80);
  EXPECT_NE(page.dom.find(fmt::format(R"(id="state-total">{}<)", total)), std::string::npos);
  simdjson::dom::object states;
  ASSERT_EQ(doc["states"].get_object().get(states), simdjson::SUCCESS);
  std::int64_t nonzero = 0;
  for (auto [state, value] : states) {
    std::int64_t n = -1;
    ASSERT_EQ(value.get_int64().get(n), simdjson::SUCCESS);
    nonzero += n > 0 ? 1 : 0;
    EXPECT_NE(page.dom.find(fmt::format(R"(id="state-{}">{}<)", std::string_view(state), n)),
              std::string::npos)
        << state << " " << n;
  }
  EXPECT_GE(nonzero, 2) << "the sample must have more than one state: " << status.out;
  // The charts were drawn, and the 404s are among the errors.
  EXPECT_NE(page.dom.find("<svg"), std::string::npos);
  EXPECT_NE(page.dom.find("The object does not exist"), std::string::npos);
}

// The console check above is only worth something if it sees a problem when there is one: the
// same report with a load added (which its policy blocks) must log a console message.
TEST_F(HtmlReportBrowser, TheConsoleCheckSeesALoadThePageMustNotMake) {
  std::string html = read_file(html_);
  const auto body_end = html.rfind("</body>");
  ASSERT_NE(body_end, std::string::npos);
  html.insert(body_end, R"(<img src="http://127.0.0.1:9/tracker.png">)");
  const std::string tampered = dir_.write("tampered.html", html);
  const PageLoad page = load_in_chromium(tampered, dir_);
  ASSERT_EQ(page.exit_code, 0) << page.log;
  ASSERT_EQ(page.console.size(), 1u) << page.log;
  EXPECT_NE(page.console.front().find("Content Security Policy"), std::string::npos)
      << page.console.front();
}

}  // namespace
}  // namespace oneall
