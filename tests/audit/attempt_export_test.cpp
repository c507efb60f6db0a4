#include "audit/attempt_export.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include "csv_rows.hpp"

namespace oneall::audit {
namespace {

store::AttemptRow sample_row() {
  store::AttemptRow row;
  row.id = 7;
  row.run_id = 2;
  row.job_id = 5;
  row.attempt = 1;
  row.started_at = 1'700'000'000'000;
  row.ended_at = 1'700'000'000'250;
  row.method = "PUT";
  row.path = "/update/identities/x/pinterest/pin/1.json";
  row.request_body = R"({"request":{"update":{"pin":{"description":"a, \"b\"\nc"}}}})";
  row.http_status = 200;
  row.api_flag = "success";
  row.api_code = 200;
  row.api_info = "=HYPERLINK(\"http://evil\")";
  row.response_body = "{}";
  row.outcome = "succeeded";
  return row;
}

TEST(CsvCell, NeutralisesFormulaStartsAndQuotesWhenNeeded) {
  EXPECT_EQ(csv_cell("plain"), "plain");
  EXPECT_EQ(csv_cell("=1+1"), "'=1+1");
  EXPECT_EQ(csv_cell("+1"), "'+1");
  EXPECT_EQ(csv_cell("-1"), "'-1");
  EXPECT_EQ(csv_cell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(csv_cell("\tx"), "'\tx");
  EXPECT_EQ(csv_cell("\rx"), "\"'\rx\"");
  EXPECT_EQ(csv_cell("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_cell("two\nlines"), "\"two\nlines\"");
}

TEST(AttemptCsv, HasOneCellPerHeaderColumn) {
  store::AttemptRow row = sample_row();
  row.curl_error = "Recv failure: Connection reset by peer, errno 104";
  row.retry_after = "Wed, 21 Oct 2015 07:28:00 GMT";
  row.response_body = "{\"a\":1,\n\"b\":\"two\"}";
  row.note = "-connection_lost";
  const std::string line = attempt_csv(row);
  // Neutralised, then quoted because it holds quotes.
  EXPECT_NE(line.find(",\"'=HYPERLINK(\"\"http://evil\"\")\","), std::string::npos) << line;
  // Read back as a spreadsheet would: each column holds its own value, whole.
  auto cells = testing::csv_record(attempt_csv_header(), line);
  EXPECT_EQ(cells.size(), 21u);
  EXPECT_EQ(cells["id"], "7");
  EXPECT_EQ(cells["duration_ms"], "250");
  EXPECT_EQ(cells["request_body"], row.request_body);
  EXPECT_EQ(cells["http_status"], "200");
  EXPECT_EQ(cells["curl_error"], row.curl_error);
  EXPECT_EQ(cells["retry_after"], row.retry_after);
  EXPECT_EQ(cells["api_code"], "200");
  EXPECT_EQ(cells["api_info"], "'" + row.api_info);
  EXPECT_EQ(cells["response_body"], row.response_body);
  EXPECT_EQ(cells["response_truncated"], "false");
  EXPECT_EQ(cells["outcome"], "succeeded");
  EXPECT_EQ(cells["note"], "'-connection_lost");
  // A row without an answer: empty cells still count.
  store::AttemptRow unanswered;
  unanswered.outcome = "retry";
  EXPECT_EQ(testing::csv_record(attempt_csv_header(), attempt_csv(unanswered)).size(), 21u);
}

TEST(AttemptJsonl, IsOneValidJsonObjectOnOneLine) {
  const std::string line = attempt_jsonl(sample_row());
  EXPECT_EQ(line.find('\n'), std::string::npos);
  simdjson::dom::parser parser;
  simdjson::dom::element row;
  ASSERT_EQ(parser.parse(line).get(row), simdjson::SUCCESS) << line;
  EXPECT_EQ(row["request_body"].get_string().value(),
            R"({"request":{"update":{"pin":{"description":"a, \"b\"\nc"}}}})");
  EXPECT_EQ(row["http_status"].get_int64().value(), 200);
  EXPECT_EQ(row["duration_ms"].get_int64().value(), 250);
  EXPECT_EQ(row["started_at"].get_string().value(), "2023-11-14T22:13:20.000Z");
}

}  // namespace
}  // namespace oneall::audit
