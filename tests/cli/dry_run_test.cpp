#include "cli/dry_run.hpp"

#include <gtest/gtest.h>

namespace oneall::cli {
namespace {

TEST(FormatDryRunRequest, TextIsMethodPathBodyAndSource) {
  EXPECT_EQ(
      format_dry_run_request(
          {"PUT", "/update/x/pin/1.json", R"({"request":{}})", "jobs.yaml:4", std::nullopt}, false),
      R"(PUT /update/x/pin/1.json {"request":{}}  # jobs.yaml:4)");
  EXPECT_EQ(format_dry_run_request({"DELETE", "/update/x/post/2.json", "", "a.csv:2", 17}, false),
            "DELETE /update/x/post/2.json  # a.csv:2");
}

TEST(FormatDryRunRequest, JsonIsOneObjectWithTheBodyAsAString) {
  EXPECT_EQ(format_dry_run_request({"PUT", "/p.json", R"({"a":"b"})", "f.yaml:1", 5}, true),
            R"({"method":"PUT","path":"/p.json","body":"{\"a\":\"b\"}","source":"f.yaml:1",)"
            R"("job_id":5})");
  EXPECT_EQ(format_dry_run_request({"DELETE", "/d.json", "", "f.csv:9", std::nullopt}, true),
            R"({"method":"DELETE","path":"/d.json","body":"","source":"f.csv:9"})");
}

}  // namespace
}  // namespace oneall::cli
