// read_csv_file on real files: RFC 4180 quoting, line numbers, header rules and bad rows.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>

#include "jobfile/reader.hpp"
#include "read_helpers.hpp"
#include "support/temp_dir.hpp"

namespace oneall::jobfile {
namespace {

using testing::kIdentityA;
using testing::kIdentityB;
using testing::read;

class CsvReaderTest : public ::testing::Test {
 protected:
  std::string write(const std::string& content) { return dir_.write("jobs.csv", content); }
  oneall::testing::TempDir dir_;
};

TEST_F(CsvReaderTest, ReadsRowsWithTheirLines) {
  const auto result = read(write(fmt::format(
      "op,target,identity,page_id,object_id,board,description,link,message,attachments\n"
      "delete,twitter.tweet,{0},,1456789,,,,,\n"
      "update,pinterest.pin,{1},,352969689546669253,photos,\"Photo, "
      "stadium\",https://x.example/,,\n"
      "update,facebook.page.post,{0},1234,1234_5678,,,,Hello,11 22\n",
      kIdentityA, kIdentityB)));
  ASSERT_TRUE(result.diagnostics.empty()) << result.all_messages();
  ASSERT_EQ(result.records.size(), 3u);
  EXPECT_EQ(result.records[0].pos.line, 2u);
  EXPECT_EQ(result.records[0].action.op, api::Op::kDelete);
  EXPECT_EQ(result.records[0].action.object_id, "1456789");
  const api::Action& pin = result.records[1].action;
  EXPECT_EQ(pin.identity, kIdentityB);
  EXPECT_EQ(pin.fields.board, "photos");
  EXPECT_EQ(pin.fields.description, "Photo, stadium");
  EXPECT_EQ(pin.fields.message, std::nullopt);  // empty cell: not set
  const api::Action& post = result.records[2].action;
  EXPECT_EQ(post.page_id, "1234");
  ASSERT_TRUE(post.fields.attachments);
  ASSERT_EQ(post.fields.attachments->size(), 2u);
  EXPECT_EQ((*post.fields.attachments)[0].digits(), "11");
  EXPECT_EQ((*post.fields.attachments)[1].digits(), "22");
}

TEST_F(CsvReaderTest, SameJobsAsTheYamlForm) {
  const std::string yaml = dir_.write(
      "jobs.yaml",
      fmt::format("defaults: {{identity: {}}}\n"
                  "jobs:\n"
                  "  - {{op: delete, target: twitter.tweet, object_id: '1456789'}}\n"
                  "  - {{op: update, target: pinterest.pin, object_id: '35', set: {{link: "
                  "'https://x.example/', description: 'a, b'}}}}\n",
                  kIdentityA));
  const std::string csv =
      write(fmt::format("op,target,identity,object_id,link,description\n"
                        "delete,twitter.tweet,{0},1456789,,\n"
                        "update,pinterest.pin,{0},35,https://x.example/,\"a, b\"\n",
                        kIdentityA));
  const auto from_yaml = read(yaml);
  const auto from_csv = read(csv);
  ASSERT_TRUE(from_yaml.diagnostics.empty()) << from_yaml.all_messages();
  ASSERT_TRUE(from_csv.diagnostics.empty()) << from_csv.all_messages();
  ASSERT_EQ(from_yaml.records.size(), from_csv.records.size());
  for (std::size_t i = 0; i < from_csv.records.size(); ++i) {
    EXPECT_EQ(from_yaml.records[i].action, from_csv.records[i].action) << i;
  }
}

TEST_F(CsvReaderTest, Rfc4180QuotingCrlfBomAndNoFinalNewline) {
  const auto result =
      read(write(fmt::format("\xEF\xBB\xBFop,target,identity,object_id,description\r\n"
                             "update,pinterest.pin,{0},1,\"say \"\"hi\"\"\"\r\n"
                             "update,pinterest.pin,{0},2,\"two\r\nlines, and a comma\"\r\n"
                             "\r\n"
                             "delete,twitter.tweet,{0},3,",
                             kIdentityA)));
  ASSERT_TRUE(result.diagnostics.empty()) << result.all_messages();
  ASSERT_EQ(result.records.size(), 3u);
  EXPECT_EQ(result.records[0].action.fields.description, "say \"hi\"");
  EXPECT_EQ(result.records[1].action.fields.description, "two\r\nlines, and a comma");
  EXPECT_EQ(result.records[1].pos.line, 3u);
  EXPECT_EQ(result.records[2].pos.line, 6u);  // after the two-line field and the blank line
}

TEST_F(CsvReaderTest, IdentityOptionFillsMissingIdentities) {
  const std::string path = write(fmt::format(
      "op,target,identity,object_id\ndelete,twitter.tweet,,1\ndelete,twitter.tweet,{},2\n",
      kIdentityB));
  ReadOptions options;
  options.identity = kIdentityA;
  const auto result = read(path, options);
  ASSERT_TRUE(result.diagnostics.empty()) << result.all_messages();
  EXPECT_EQ(result.records[0].action.identity, kIdentityA);
  EXPECT_EQ(result.records[1].action.identity, kIdentityB);

  const auto without_column =
      read(dir_.write("b.csv", "op,target,object_id\ndelete,twitter.tweet,3\n"), options);
  ASSERT_TRUE(without_column.diagnostics.empty()) << without_column.all_messages();
  EXPECT_EQ(without_column.records[0].action.identity, kIdentityA);
}

struct BadCsv {
  const char* name;
  std::string content;
  std::size_t line;
  std::string field;         // "" when the problem is not about one field
  std::string message_part;  // a part of the message
};

class BadCsvTest : public CsvReaderTest, public ::testing::WithParamInterface<BadCsv> {};

TEST_P(BadCsvTest, ReportsLineFieldAndMessageAndSendsNothingBad) {
  const BadCsv& c = GetParam();
  const auto result = read(write(c.content));
  ASSERT_FALSE(result.diagnostics.empty()) << c.name;
  const Diagnostic& d = result.diagnostics.front();
  EXPECT_EQ(d.pos.line, c.line) << c.name << ": " << result.all_messages();
  EXPECT_EQ(d.field, c.field) << c.name << ": " << result.all_messages();
  ASSERT_FALSE(c.message_part.empty()) << c.name << ": every case names a part of its message";
  EXPECT_NE(d.message.find(c.message_part), std::string::npos)
      << c.name << ": " << result.all_messages();
  // Nothing from the bad row (or, for a bad header, from any row) reaches the sink.
  for (const JobRecord& record : result.records) {
    EXPECT_NE(record.pos.line, c.line) << c.name << ": the bad row was sent on";
    EXPECT_NE(c.line, 1u) << c.name << ": a row was sent under a bad header";
  }
}

const std::string kHeader = "op,target,identity,object_id,link\n";
const std::string kId = kIdentityA;

INSTANTIATE_TEST_SUITE_P(
    Cases, BadCsvTest,
    ::testing::Values(
        BadCsv{"unknown column",
               "op,target,identity,object_id,linq\ndelete,twitter.tweet," + kId + ",1,\n", 1,
               "linq", "unknown column"},
        BadCsv{"duplicate column",
               "op,target,identity,object_id,op\ndelete,twitter.tweet," + kId + ",1,delete\n", 1,
               "op", "duplicate column (columns 1 and 5)"},
        BadCsv{"missing object_id column", "op,target,identity\n", 1, "object_id",
               "required column is missing"},
        BadCsv{"missing identity column", "op,target,object_id\ndelete,twitter.tweet,1\n", 1,
               "identity", "required column is missing"},
        BadCsv{"bad op", kHeader + "remove,twitter.tweet," + kId + ",1,\n", 2, "op", "delete"},
        BadCsv{"bad target", kHeader + "delete,twitter.post," + kId + ",1,\n", 2, "target",
               "twitter.tweet"},
        BadCsv{"set on a delete",
               kHeader + "delete,pinterest.pin," + kId + ",1,https://x.example/\n", 2, "link",
               "delete"},
        BadCsv{"cell count", kHeader + "delete,twitter.tweet," + kId + ",1\n", 2, "",
               "the row has 4 cells but the header has 5"},
        BadCsv{"path escape in an id", kHeader + "delete,twitter.tweet," + kId + ",../2,\n", 2,
               "object_id", "'/'"},
        BadCsv{"bad identity", kHeader + "delete,twitter.tweet,not-a-uuid,1,\n", 2, "identity",
               "UUID"},
        BadCsv{"relative link", kHeader + "update,pinterest.pin," + kId + ",1,/x\n", 2,
               "link",  // the CSV column, not the YAML path
               "absolute"},
        BadCsv{"unterminated quote",
               kHeader + "delete,twitter.tweet," + kId + ",1,\nupdate,pinterest.pin," + kId +
                   ",2,\"https://x.example/\n\n",
               3, "", "quote"}),
    [](const ::testing::TestParamInfo<BadCsv>& info) {
      std::string name = info.param.name;
      for (char& ch : name) {
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      }
      return name;
    });

TEST_F(CsvReaderTest, ReportsEveryBadRowAndSendsTheGoodOnes) {
  const auto result = read(write(kHeader + "delete,twitter.tweet," + kId + ",1,\n" +
                                 "delete,twitter.tweet," + kId + ",a/b,\n" + "delete,nowhere," +
                                 kId + ",3,\n" + "delete,twitter.tweet," + kId + ",4,\n"));
  ASSERT_EQ(result.diagnostics.size(), 2u) << result.all_messages();
  EXPECT_EQ(result.diagnostics[0].pos.line, 3u);
  EXPECT_EQ(result.diagnostics[1].pos.line, 4u);
  ASSERT_EQ(result.records.size(), 2u);  // the caller queues nothing when any problem exists
}

TEST_F(CsvReaderTest, CapsStoredProblemsOnHugeBadFiles) {
  std::ofstream out(dir_.file("bad.csv"));
  out << kHeader;
  for (int i = 0; i < 5000; ++i) out << "delete,twitter.tweet," << kId << ",bad/" << i << ",\n";
  out.close();
  const auto result = read(dir_.file("bad.csv"));
  EXPECT_LE(result.diagnostics.size(), 1001u);
  EXPECT_NE(result.diagnostics.back().message.find("more"), std::string::npos)
      << result.diagnostics.back().message;
}

}  // namespace
}  // namespace oneall::jobfile
