// The CSV job file writer's cells and header: RFC 4180 quoting where a cell needs it and
// nowhere else, every column on every row, and no spreadsheet neutralising (a job file's text
// is the text sent).
#include "jobfile/csv_writer.hpp"

#include <gtest/gtest.h>

#include "jobfile/reader.hpp"

namespace oneall::jobfile {
namespace {

TEST(CsvJobFileWriter, QuotesACellOnlyWhenItMustAndDoublesItsQuotes) {
  const struct {
    std::string text;
    std::string cell;
  } cases[] = {
      {"", ""},
      {"plain", "plain"},
      {"=1+1", "=1+1"},  // not neutralised: it would change the job
      {"@user -1 +2", "@user -1 +2"},
      {"a,b", "\"a,b\""},
      {"say \"hi\"", "\"say \"\"hi\"\"\""},
      {"two\nlines", "\"two\nlines\""},
      {"cr\rlf", "\"cr\rlf\""},
      {" lead", "\" lead\""},
      {"trail\t", "\"trail\t\""},
      {"in side", "in side"},
      {"h\u00e9llo \u2713", "h\u00e9llo \u2713"},
  };
  for (const auto& c : cases) EXPECT_EQ(csv_job_file_cell(c.text), c.cell) << c.text;
}

TEST(CsvJobFileWriter, WritesTheHeaderTheReaderTakesAndEveryColumnOnEveryRow) {
  EXPECT_EQ(csv_job_file_header(),
            "op,target,identity,page_id,object_id,board,description,link,message,attachments,"
            "not_before,expires_at");
  JobFileRow tweet;
  tweet.action.op = api::Op::kDelete;
  tweet.action.target = api::Target::kTwitterTweet;
  tweet.action.identity = "2af20011-8965-471b-8f6b-8b66a611aae6";
  tweet.action.object_id = "1456789";
  EXPECT_EQ(csv_job_file_row(tweet),
            "delete,twitter.tweet,2af20011-8965-471b-8f6b-8b66a611aae6,,1456789,,,,,,,");

  JobFileRow post;
  post.action.op = api::Op::kUpdate;
  post.action.target = api::Target::kFacebookPagePost;
  post.action.identity = tweet.action.identity;
  post.action.page_id = "1234";
  post.action.object_id = "1234_5678";
  post.action.fields.message = "Sale, now";
  post.action.fields.attachments = std::vector<api::PictureId>{
      api::PictureId::parse("101").value(), api::PictureId::parse("202").value()};
  EXPECT_EQ(csv_job_file_row(post),
            "update,facebook.page.post,2af20011-8965-471b-8f6b-8b66a611aae6,1234,1234_5678,,,,"
            "\"Sale, now\",101 202,,");
  JobFileRow scheduled = tweet;
  scheduled.schedule = {1'798'758'000'250, 1'798'761'600'000};
  EXPECT_EQ(csv_job_file_row(scheduled),
            "delete,twitter.tweet,2af20011-8965-471b-8f6b-8b66a611aae6,,1456789,,,,,,"
            "2026-12-31T23:00:00.250Z,2027-01-01T00:00:00.000Z");

  std::vector<JobRecord> read;
  const std::string file =
      csv_job_file_header() + "\n" + csv_job_file_row(tweet) + "\n" + csv_job_file_row(post) + "\n" +
      csv_job_file_row(scheduled) + "\n";
  EXPECT_TRUE(read_csv_text(file, "f.csv", {}, [&](JobRecord&& r) { read.push_back(r); }).empty());
  ASSERT_EQ(read.size(), 3u);
  EXPECT_EQ(read[0].action, tweet.action);
  EXPECT_EQ(read[1].action, post.action);
  EXPECT_EQ(read[0].schedule, api::Schedule{});
  EXPECT_EQ(read[2].schedule, scheduled.schedule);
}

}  // namespace
}  // namespace oneall::jobfile
