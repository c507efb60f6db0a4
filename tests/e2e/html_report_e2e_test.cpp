// Latency and the HTML report through the real binary against the sandbox over loopback: a
// run's summary and `status` give p50/p90/p99 of the answered requests (the sandbox answers
// after --latency, so they cannot be below it), and `report --format html` covers the queue or
// one batch, refusing the filters that do not apply to it.
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
using testing::TempDir;

std::string tweet_deletes(int first, int count) {
  std::string yaml = fmt::format("defaults: {{identity: {}}}\njobs:\n", testing::kTestIdentity);
  for (int i = first; i < first + count; ++i) {
    yaml += fmt::format("  - {{op: delete, target: twitter.tweet, object_id: \"{}\"}}\n", i);
  }
  return yaml;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

std::int64_t json_int(simdjson::dom::element element) {
  std::int64_t value = -1;
  EXPECT_EQ(element.get_int64().get(value), simdjson::SUCCESS);
  return value;
}

class HtmlReportE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    sandbox::SandboxOptions options;
    options.latency_ms = 20;
    server_ = std::make_unique<sandbox::SandboxServer>(options);
    ASSERT_TRUE(server_->start().ok());
  }

  testing::ProcessResult run(const std::string& jobs) {
    const auto credentials = api::sandbox_credentials();
    return run_oneall(
        {"run", jobs, "--db", db_, "--endpoint", server_->base_url(), "--json", "--quiet"},
        {{"ONEALL_SUBDOMAIN", credentials.subdomain},
         {"ONEALL_PUBLIC_KEY", credentials.public_key},
         {"ONEALL_PRIVATE_KEY", credentials.private_key}},
        60s);
  }

  TempDir dir_;
  std::string db_ = dir_.file("queue.db");
  std::unique_ptr<sandbox::SandboxServer> server_;
  simdjson::dom::parser parser_;
};

TEST_F(HtmlReportE2e, TheRunSummaryAndStatusGiveTheLatencyOfAnsweredRequests) {
  const auto first = run(dir_.write("a.yaml", tweet_deletes(100, 12)));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  simdjson::dom::element summary;
  ASSERT_EQ(parser_.parse(first.out).get(summary), simdjson::SUCCESS) << first.out;
  EXPECT_EQ(json_int(summary["latency_ms"]["answered"]), 12);
  EXPECT_GE(json_int(summary["latency_ms"]["p50"]), 20);  // the sandbox's --latency
  EXPECT_GE(json_int(summary["latency_ms"]["p99"]), json_int(summary["latency_ms"]["p90"]));

  // A second run: its summary counts its own requests, status the whole log's.
  const auto second = run(dir_.write("b.yaml", tweet_deletes(200, 5)));
  ASSERT_EQ(second.exit_code, 0) << second.err;
  simdjson::dom::parser other;
  simdjson::dom::element second_summary;
  ASSERT_EQ(other.parse(second.out).get(second_summary), simdjson::SUCCESS) << second.out;
  EXPECT_EQ(json_int(second_summary["latency_ms"]["answered"]), 5);
  const auto status = run_oneall({"status", "--json", "--db", db_});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  simdjson::dom::parser third;
  simdjson::dom::element queue;
  ASSERT_EQ(third.parse(status.out).get(queue), simdjson::SUCCESS) << status.out;
  EXPECT_EQ(json_int(queue["latency_ms"]["answered"]), 17);
  EXPECT_GE(json_int(queue["latency_ms"]["p50"]), 20);
  const auto text = run_oneall({"status", "--db", db_});
  EXPECT_NE(text.out.find("over 17 answered requests"), std::string::npos) << text.out;
}

TEST_F(HtmlReportE2e, ABatchReportShowsThatBatchOnly) {
  ASSERT_EQ(run(dir_.write("a.yaml", tweet_deletes(100, 7))).exit_code, 0);
  ASSERT_EQ(run(dir_.write("b.yaml", tweet_deletes(200, 3))).exit_code, 0);
  const std::string whole = dir_.file("whole.html");
  const std::string second = dir_.file("second.html");
  ASSERT_EQ(run_oneall({"report", "--format", "html", "--db", db_, "--out", whole}).exit_code, 0);
  const auto batch =
      run_oneall({"report", "--format", "html", "--batch", "2", "--db", db_, "--out", second});
  ASSERT_EQ(batch.exit_code, 0) << batch.err;
  EXPECT_NE(read_file(whole).find(R"(id="state-total">10<)"), std::string::npos);
  const std::string page = read_file(second);
  EXPECT_NE(page.find(R"(id="state-total">3<)"), std::string::npos);
  EXPECT_NE(page.find(R"(id="state-succeeded">3<)"), std::string::npos);
  EXPECT_NE(page.find(R"(<span id="scope">batch 2</span>)"), std::string::npos);
  EXPECT_NE(page.find(R"(id="latency-count">3<)"), std::string::npos);
  EXPECT_EQ(std::filesystem::status(second).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

TEST_F(HtmlReportE2e, FiltersOtherThanBatchDoNotApplyToTheHtmlReport) {
  ASSERT_EQ(run(dir_.write("a.yaml", tweet_deletes(100, 2))).exit_code, 0);
  const std::vector<std::vector<std::string>> filters = {{"--state", "failed"},
                                                         {"--job", "1"},
                                                         {"--http-status", "5xx"},
                                                         {"--target", "twitter.tweet"},
                                                         {"--identity", testing::kTestIdentity}};
  for (const auto& filter : filters) {
    const std::string out = dir_.file("r" + filter[0] + ".html");
    const auto refused =
        run_oneall({"report", "--format", "html", filter[0], filter[1], "--db", db_, "--out", out});
    EXPECT_EQ(refused.exit_code, 2) << filter[0];
    EXPECT_NE(refused.err.find("do not apply to it"), std::string::npos) << refused.err;
    EXPECT_FALSE(std::filesystem::exists(out));
  }
}

}  // namespace
}  // namespace oneall
