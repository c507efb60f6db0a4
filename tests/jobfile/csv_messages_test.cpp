// read_csv_file: the exact place, field and message of each kind of problem, whole-file cases,
// the cap on stored problems, and that records reach the sink while the file is still read.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <ostream>
#include <thread>

#include "read_helpers.hpp"
#include "support/temp_dir.hpp"

namespace oneall::jobfile {
namespace {

using testing::kIdentityA;
using testing::read;

const std::string kHead = "op,target,identity,page_id,object_id,board,link,message,attachments\n";

struct CsvCase {
  const char* name;
  std::string content;
  std::size_t line;
  std::size_t column;  // the cell's number; 0 for a problem of the whole row
  const char* field;
  const char* message;
};

// Names the row in gtest's output instead of dumping its bytes.
void PrintTo(const CsvCase& c, std::ostream* os) { *os << c.name; }

std::string row(const std::string& cells) { return cells + "\n"; }

const std::string kA = kIdentityA;

std::vector<CsvCase> cases() {
  return {
      {"unknown_column", "op,target,identity,object_id,linkk\n", 1, 5, "linkk",
       "unknown column (expected op, target, identity, page_id, object_id, board, description, "
       "link, message, attachments, not_before, expires_at)"},
      {"empty_column_name", "op,target,identity,object_id,\n", 1, 5, "",
       "a column has no name (column 5)"},
      {"duplicate_column", "op,target,identity,object_id,link,link\n", 1, 6, "link",
       "duplicate column (columns 5 and 6)"},
      {"missing_op_column", "target,identity,object_id\n", 1, 0, "op",
       "required column is missing"},
      {"missing_target_column", "op,identity,object_id\n", 1, 0, "target",
       "required column is missing"},
      {"missing_identity_column", "op,target,object_id\n", 1, 0, "identity",
       "required column is missing (or give one with --identity)"},
      {"bad_op", kHead + row("updte,pinterest.pin," + kA + ",,1,b,,,"), 2, 1, "op",
       "unknown op \"updte\" (expected update or delete)"},
      {"missing_op", kHead + row(",pinterest.pin," + kA + ",,1,b,,,"), 2, 1, "op",
       "is required (expected update or delete)"},
      {"bad_target", kHead + row("delete,pinterest," + kA + ",,1,,,,"), 2, 2, "target",
       "unknown target \"pinterest\" (expected one of facebook.page.post, facebook.page.picture, "
       "facebook.page.video, pinterest.pin, twitter.tweet)"},
      {"set_on_delete",
       kHead + row("delete,pinterest.pin," + kA + ",,1,,,,") +
           row("delete,facebook.page.post," + kA + ",12,12_3,,,,44"),
       3, 9, "attachments",
       "is not allowed on a delete (leave the cell empty, or make the row an update)"},
      {"too_few_cells", kHead + row("delete,twitter.tweet," + kA + ",,1"), 2, 0, "",
       "the row has 5 cells but the header has 9 (a comma inside a value needs quotes)"},
      {"too_many_cells", kHead + row("delete,twitter.tweet," + kA + ",,1,,,,,,"), 2, 0, "",
       "the row has 11 cells but the header has 9 (a comma inside a value needs quotes)"},
      {"validate_problem_after_multiline_row",
       kHead + row("update,facebook.page.post," + kA + ",12,12_3,,,\"two\nlines\",") +
           row("update,pinterest.pin," + kA + ",,9,,www.example.com,,"),
       4, 7, "link", "must be an absolute http:// or https:// URL"},
      {"attachment_named_by_column",
       kHead + row("update,facebook.page.post," + kA + ",12,12_3,,,,1 a/b"), 2, 9, "attachments",
       "picture id 'a/b' holds 'a' (expected a picture id: digits without a leading zero, from 1 "
       "to 9223372036854775807, such as 1234567890)"},
      // The same rule as in YAML: a zero-led id would not be a JSON number.
      {"attachment_with_a_leading_zero",
       kHead + row("update,facebook.page.post," + kA + ",12,12_3,,,Two lines,101\t 0202"), 2, 9,
       "attachments",
       "picture id '0202' starts with 0, which YAML tools read as octal or as decimal depending on "
       "their version (expected a picture id: digits without a leading zero, from 1 to "
       "9223372036854775807, such as 1234567890)"},
      // Refused, and only once: not also "an update must set at least one field".
      {"attachment_alone_and_refused",
       kHead + row("update,facebook.page.post," + kA + ",12,12_3,,,,18446744073709551615"), 2, 9,
       "attachments",
       "picture id '18446744073709551615' is larger than 9223372036854775807 (expected a picture "
       "id: digits without a leading zero, from 1 to 9223372036854775807, such as 1234567890)"},
      {"missing_identity_cell", kHead + row("delete,twitter.tweet,,,1,,,,"), 2, 3, "identity",
       "is missing (expected a UUID such as 2af20011-8965-471b-8f6b-8b66a611aae6)"},
      // Scheduled jobs: the cell's own column, the same messages as in YAML.
      {"not_before_without_zone",
       "op,target,identity,object_id,not_before\n" + row("delete,twitter.tweet," + kA +
                                                          ",1,2026-12-31T23:00:00"),
       2, 5, "not_before",
       "\"2026-12-31T23:00:00\" is not a time: it has no zone (add Z for UTC, or an offset such "
       "as +01:00) (expected RFC 3339 with a zone, such as 2026-12-31T23:00:00Z or "
       "2026-12-31T23:00:00+01:00)"},
      {"expires_at_bad_month",
       "op,target,identity,object_id,expires_at\n" + row("delete,twitter.tweet," + kA +
                                                          ",1,2026-13-01T00:00:00Z"),
       2, 5, "expires_at",
       "\"2026-13-01T00:00:00Z\" is not a time: the month must be 01 to 12 (expected RFC 3339 "
       "with a zone, such as 2026-12-31T23:00:00Z or 2026-12-31T23:00:00+01:00)"},
      {"expires_at_not_after_not_before",
       "op,target,identity,object_id,expires_at,not_before\n" +
           row("delete,twitter.tweet," + kA + ",1,2026-12-31T23:00:00Z,2026-12-31T23:00:00Z"),
       2, 5, "expires_at",
       "must be later than not_before (2026-12-31T23:00:00.000Z): the job could never be sent"},
      {"malformed_quote", kHead + row("delete,twitter.tweet," + kA + ",,1\"2,,,,"), 2, 0, "",
       "malformed quoted field: a field that holds a quote must be enclosed in quotes, with each "
       "quote inside it doubled (\"\"), and the closing quote must be followed by a comma or the "
       "end of the line"},
      {"unterminated_quote",
       kHead + row("delete,twitter.tweet," + kA + ",,1,,,,") + "\n" + "update,pinterest.pin," + kA +
           ",,2,\"photos,,,\n\n",
       4, 0, "",
       "unterminated quoted field: a quote opened in the row starting on this line never "
       "closes"},
  };
}

class CsvMessageTest : public ::testing::TestWithParam<CsvCase> {};

TEST_P(CsvMessageTest, ReportsLineFieldAndMessage) {
  const CsvCase& c = GetParam();
  oneall::testing::TempDir dir;
  const auto result = read(dir.write("jobs.csv", c.content));
  ASSERT_FALSE(result.diagnostics.empty());
  const Diagnostic& d = result.diagnostics.back();  // earlier rows of a case are valid
  EXPECT_EQ(d.pos.line, c.line) << result.all_messages();
  EXPECT_EQ(d.pos.column, c.column) << result.all_messages();
  EXPECT_EQ(d.field, c.field) << result.all_messages();
  EXPECT_EQ(d.message, c.message) << result.all_messages();
  for (const JobRecord& record : result.records) EXPECT_LT(record.pos.line, c.line);
}

INSTANTIATE_TEST_SUITE_P(Cases, CsvMessageTest, ::testing::ValuesIn(cases()),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(CsvFileTest, EmptyFileNeedsAHeader) {
  oneall::testing::TempDir dir;
  for (const char* text : {"", "\n\r\n", "\xEF\xBB\xBF"}) {
    const auto result = read(dir.write("jobs.csv", text));
    ASSERT_EQ(result.diagnostics.size(), 1u) << result.all_messages();
    EXPECT_EQ(result.diagnostics[0].to_string(),
              dir.file("jobs.csv") +
                  ": the file is empty: expected a header row (op,target,identity,...)");
  }
}

TEST(CsvFileTest, HeaderOnlyIsAValidEmptyFile) {
  oneall::testing::TempDir dir;
  const auto result = read(dir.write("jobs.csv", "op,target,identity,object_id"));
  EXPECT_TRUE(result.diagnostics.empty()) << result.all_messages();
  EXPECT_TRUE(result.records.empty());
}

TEST(CsvFileTest, HeaderProblemsAreAllReportedAndRowsAreNotRead) {
  oneall::testing::TempDir dir;
  const auto result = read(
      dir.write("jobs.csv", "op,tagret,identity,objectid\ndelete,twitter.tweet," + kA + ",1\n"));
  EXPECT_TRUE(result.records.empty());
  std::vector<std::string> fields;
  for (const auto& d : result.diagnostics) fields.push_back(d.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"tagret", "objectid", "target", "object_id"}))
      << result.all_messages();
}

TEST(CsvFileTest, ReportsAllProblemsOfAllRows) {
  oneall::testing::TempDir dir;
  const auto result =
      read(dir.write("jobs.csv", kHead + row("delete,twitter.tweet," + kA + ",,1,,,,") +  // 2: fine
                                     row("delete,twitter.tweet,nope,,a/b,,,,") +  // 3: two problems
                                     row("update,twitter.tweet," + kA + ",,3,,,hi,") +  // 4
                                     row("delete,twitter.tweet," + kA + ",,4\"") +  // 5: bad quote
                                     row("update,pinterest.pin," + kA + ",,5,,ftp://x,,") +  // 6
                                     row("delete,twitter.tweet," + kA + ",,6,,,,")));  // 7: fine
  std::vector<std::pair<std::size_t, std::string>> where;
  for (const auto& d : result.diagnostics) where.emplace_back(d.pos.line, d.field);
  EXPECT_EQ(where, (std::vector<std::pair<std::size_t, std::string>>{
                       {3, "identity"}, {3, "object_id"}, {4, "op"}, {5, ""}, {6, "link"}}))
      << result.all_messages();
  ASSERT_EQ(result.records.size(), 2u);
  EXPECT_EQ(result.records[0].pos.line, 2u);
  EXPECT_EQ(result.records[1].pos.line, 7u);
}

TEST(CsvFileTest, StoresAtMostAThousandProblemsAndCountsTheRest) {
  oneall::testing::TempDir dir;
  {
    std::ofstream out(dir.file("bad.csv"), std::ios::binary);
    out << "op,target,identity,object_id\n";
    for (int i = 0; i < 2500; ++i) out << "delete,twitter.tweet," << kA << ",bad/" << i << "\n";
    out << "delete,twitter.tweet," << kA << ",good\n";
  }
  const auto result = read(dir.file("bad.csv"));
  ASSERT_EQ(result.diagnostics.size(), 1001u);
  EXPECT_EQ(result.diagnostics[999].pos.line, 1001u);
  EXPECT_EQ(result.diagnostics.back().to_string(),
            dir.file("bad.csv") + ": ... and 1500 more problems");
  ASSERT_EQ(result.records.size(), 1u);  // rows after the cap are still checked and read
  EXPECT_EQ(result.records[0].pos.line, 2502u);
}

// The sink receives records while later parts of the file are still unwritten: a FIFO's writer
// waits for the first record before it writes the rest. A reader that loaded the whole file
// first would only see the first record after the writer gave up waiting.
TEST(CsvFileTest, StreamsRecordsToTheSinkWhileReading) {
  oneall::testing::TempDir dir;
  const std::string path = dir.file("fifo.csv");
  ASSERT_EQ(mkfifo(path.c_str(), 0600), 0);

  std::atomic<std::size_t> received{0};
  std::atomic<bool> streamed{false};
  std::thread writer([&] {
    std::ofstream out(path, std::ios::binary);
    out << "op,target,identity,object_id\n";
    // More than one 64 KiB read, so the reader gets whole chunks before the file ends.
    for (int i = 0; i < 3000; ++i) out << "delete,twitter.tweet," << kA << "," << i << "\n";
    out.flush();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (received.load() == 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    streamed = received.load() > 0;
    out << "delete,twitter.tweet," << kA << ",last\n";
  });
  std::vector<Diagnostic> diagnostics =
      read_job_file(path, {}, [&](JobRecord&&) { received.fetch_add(1); });
  writer.join();
  EXPECT_TRUE(diagnostics.empty());
  EXPECT_TRUE(streamed);
  EXPECT_EQ(received.load(), 3001u);
}

}  // namespace
}  // namespace oneall::jobfile
