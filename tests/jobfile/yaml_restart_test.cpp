// A fresh yaml-cpp parser taking over in the middle of the `jobs` list (yaml_stream.hpp) must
// change nothing: every file here is read with a restart at every job, every second and every
// third job, and must give the same records and problems, at the same places, as without.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "api/action.hpp"
#include "jobfile/yaml_stream.hpp"
#include "read_helpers.hpp"

namespace oneall::jobfile {
namespace {

const char* const kId = "2af20011-8965-471b-8f6b-8b66a611aae6";

std::string flow_job(int n) {
  return std::string("  - {op: delete, target: twitter.tweet, identity: ") + kId +
         ", object_id: \"" + std::to_string(n) + "\"}\n";
}

std::string block_job(int n, const char* indent = "  ") {
  const std::string in = std::string(indent) + "  ";
  return std::string(indent) + "- op: update\n" + in + "target: pinterest.pin\n" + in +
         "identity: " + kId + "\n" + in + "object_id: \"" + std::to_string(n) + "\"\n" + in +
         "set:\n" + in + "  link: \"https://x.example/" + std::to_string(n) + "\"\n";
}

std::vector<std::string> files() {
  std::string flow = "jobs:\n", block = "# comment first\ndefaults: {op: delete}\njobs:\n";
  std::string indentless = "jobs:\n", crlf = "jobs:\r\n";
  for (int i = 1; i <= 7; ++i) {
    flow += flow_job(i);
    block += block_job(i);
    indentless += block_job(i, "");
    std::string line = flow_job(i);
    line.insert(line.size() - 1, "\r");
    crlf += line;
    if (i == 3) {
      flow += "  # a comment between jobs\n\n";
      block += "  - {op: delete, target: twitter.twet, object_id: \"x\"}\n";
      indentless += "- 12\n";
    }
  }
  std::vector<std::string> out = {
      flow,
      block,
      indentless,
      crlf,
      flow + "extra: 1\njobs: []\n",
      flow + "defaults:\n  identity: " + kId + "\n",
      flow + "defaults:\n  page_id: \"1\"\n",
      flow + "  - {op: delete\n",  // a syntax error after several jobs
      flow + "   target: x\n",     // bad indentation at the end
      flow +
          "  - {op: delete, target: twitter.tweet, object_id: \"8\",\n"
          "      identity: " +
          kId + "}\n",           // a flow map over two lines
      flow + "---\njobs: []\n",  // a second document
      "jobs:\n" + flow_job(1) + "  -\n" + flow_job(2) + "  - op: delete\n    object_id: 3\n",
  };
  return out;
}

std::string outcome(const std::string& text, std::size_t jobs_per_parser) {
  std::string seen;
  const auto problems = read_yaml_text_restarting(
      text, "jobs.yaml", ReadOptions{},
      [&](JobRecord&& record) {
        const auto request = api::render(record.action);
        seen += std::to_string(record.pos.line) + ":" + std::to_string(record.pos.column) + " " +
                (request ? request->method + " " + request->path + " " + request->body : "?") +
                "\n";
      },
      jobs_per_parser);
  for (const Diagnostic& d : problems) seen += d.to_string() + "\n";
  return seen;
}

TEST(YamlRestartTest, AFreshParserMidListChangesNothing) {
  for (const std::string& text : files()) {
    const std::string expected = outcome(text, 0);  // one parser for the whole file
    for (std::size_t every : {1, 2, 3}) {
      EXPECT_EQ(outcome(text, every), expected) << "restart every " << every << " jobs in\n"
                                                << text;
    }
  }
}

}  // namespace
}  // namespace oneall::jobfile
