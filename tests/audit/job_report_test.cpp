#include "audit/job_report.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include "csv_rows.hpp"

namespace oneall::audit {
namespace {

store::JobReportRow sample_row() {
  store::JobReportRow row;
  row.job_id = 12;
  row.batch_id = 3;
  row.source = "=HYPERLINK(\"http://evil\",\"x\").csv:4";
  row.op = "delete";
  row.target = "twitter.tweet";
  row.identity = "2af20011-8965-471b-8f6b-8b66a611aae6";
  row.object_id = "1456789";
  row.state = store::JobState::kFailed;
  row.attempts = 2;
  row.last_http_status = 404;
  row.last_outcome = "failed";
  row.note = "-http_404";
  row.updated_at = 1'700'000'000'000;
  return row;
}

TEST(JobReportCsv, NeutralisesFormulaCellsAndKeepsOneRecordPerJob) {
  const std::string line = job_report_csv(sample_row());
  EXPECT_EQ(line.rfind("12,3,\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\").csv:4\",delete,", 0), 0u)
      << line;
  EXPECT_NE(line.find(",failed,2,404,failed,'-http_404,2023-11-14T22:13:20.000Z"),
            std::string::npos)
      << line;
  EXPECT_EQ(line.find('\n'), std::string::npos);
  // Read back as a spreadsheet would: as many cells as the header names (the quoted source
  // holds commas of its own), each column holding its own value.
  auto cells = testing::csv_record(job_report_csv_header(), line);
  EXPECT_EQ(cells.size(), 14u);
  EXPECT_EQ(cells["source"], "'=HYPERLINK(\"http://evil\",\"x\").csv:4");
  EXPECT_EQ(cells["target"], "twitter.tweet");
  EXPECT_EQ(cells["identity"], "2af20011-8965-471b-8f6b-8b66a611aae6");
  EXPECT_EQ(cells["page_id"], "");
  EXPECT_EQ(cells["object_id"], "1456789");
  EXPECT_EQ(cells["state"], "failed");
  EXPECT_EQ(cells["attempts"], "2");
  EXPECT_EQ(cells["last_http_status"], "404");
  EXPECT_EQ(cells["note"], "'-http_404");
  EXPECT_EQ(cells["updated_at"], "2023-11-14T22:13:20.000Z");
  // One record per job: a note or source with a line break stays inside its record.
  store::JobReportRow multi_line = sample_row();
  multi_line.source = "a.yaml:2\nsecond line";
  multi_line.page_id = "9";
  const auto rows = testing::csv_rows(job_report_csv_header() + "\r\n" + line + "\r\n" +
                                      job_report_csv(multi_line) + "\r\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[2].size(), rows[0].size());
  EXPECT_EQ(rows[2][2], "a.yaml:2\nsecond line");
  EXPECT_EQ(rows[2][6], "9");
}

TEST(JobReportJsonl, IsOneValidObjectWithNullsBeforeAnyAttempt) {
  store::JobReportRow fresh;
  fresh.job_id = 1;
  fresh.source = "a.yaml:2\nsecond line";
  const std::string line = job_report_jsonl(fresh);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(line).get(doc), simdjson::SUCCESS) << line;
  EXPECT_TRUE(doc["last_http_status"].is_null());
  EXPECT_TRUE(doc["last_outcome"].is_null());
  EXPECT_EQ(std::string_view(doc["state"].get_string().value()), "pending");
  EXPECT_EQ(std::string_view(doc["source"].get_string().value()), "a.yaml:2\nsecond line");

  ASSERT_EQ(parser.parse(job_report_jsonl(sample_row())).get(doc), simdjson::SUCCESS);
  EXPECT_EQ(int64_t(doc["last_http_status"]), 404);
}

}  // namespace
}  // namespace oneall::audit
