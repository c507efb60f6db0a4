// Prune archives (audit/archive_format.hpp, archive_writer.hpp, archive_verify.hpp) on their
// own: every value comes back exactly as it was hashed (bytes that are not UTF-8 included), a
// written archive verifies, and what would make it lie — an edited row, a row taken out, a cut
// end, a line added after the end — is found. Real gzip files in a temporary folder.
#include "audit/archive_format.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "audit/archive_verify.hpp"
#include "audit/archive_writer.hpp"
#include "audit/gzip_lines.hpp"
#include "store/attempt_chain.hpp"
#include "support/temp_dir.hpp"

namespace oneall::audit {
namespace {

// A chained row: values in kChainedColumns order, hashed after `prev`.
store::ChainedAttempt row(std::int64_t id, const std::string& prev, const std::string& body) {
  store::ChainedAttempt r;
  r.id = id;
  r.job_id = id;
  r.values = {{"integer", "1"},      {"integer", std::to_string(id)},
              {"integer", "1"},      {"integer", "100"},
              {"integer", "140"},    {"text", "DELETE"},
              {"text", "/p.json"},   {"text", ""},
              {"integer", "200"},    {"text", ""},
              {"text", ""},          {"text", "success"},
              {"null", ""},          {"text", "ok"},
              {"text", body},        {"integer", "0"},
              {"text", "succeeded"}, {"text", ""},
              {"integer", "1"}};
  r.prev_hash = prev;
  r.row_hash = store::chain_hash(r.values, prev);
  return r;
}

std::vector<store::ChainedAttempt> chain(int count, std::string prev) {
  std::vector<store::ChainedAttempt> rows;
  for (int i = 1; i <= count; ++i) {
    rows.push_back(row(i, prev, fmt::format("{{\"n\":{}}}\n\"quoted\"\t\\", i)));
    prev = *rows.back().row_hash;
  }
  return rows;
}

TEST(ArchiveFormatTest, AnAttemptRowComesBackExactlyAsItWasHashed) {
  constexpr char kBytes[] = "\xff\xfe answer \x00 with a NUL";
  const std::string not_utf8(kBytes, sizeof kBytes - 1);  // the NUL inside kept, the last not
  store::ChainedAttempt original = row(7, std::string(store::kChainGenesis), not_utf8);
  original.values[10] = {"real", "1.5"};  // a class oneall-bulk never writes, kept all the same
  original.row_hash = store::chain_hash(original.values, *original.prev_hash);
  auto parsed = parse_archive_line(attempt_line(original));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const auto& back = std::get<store::ChainedAttempt>(*parsed);
  EXPECT_EQ(back.id, 7);
  EXPECT_EQ(back.job_id, 7);
  ASSERT_EQ(back.values.size(), original.values.size());
  for (std::size_t i = 0; i < back.values.size(); ++i) {
    EXPECT_EQ(back.values[i].type, original.values[i].type) << store::kChainedColumns[i];
    EXPECT_EQ(back.values[i].text, original.values[i].text) << store::kChainedColumns[i];
  }
  EXPECT_EQ(store::chain_hash(back.values, *back.prev_hash), *original.row_hash);
}

class ArchiveFileTest : public ::testing::Test {
 protected:
  // Writes an archive of `rows` as a prune would, chaining from `start`.
  void write(const std::vector<store::ChainedAttempt>& rows, const std::string& start) {
    auto writer = ArchiveWriter::create(path_, {"queue.db", 1000, 500});
    ASSERT_TRUE(writer.ok()) << writer.error().message;
    ASSERT_TRUE((*writer)->add(store::BatchRecord{1, 10, "jobs.csv"}).ok());
    store::JobRecord job;
    job.id = 1;
    job.job_key = std::string("\x01\x02\xff", 3);
    ASSERT_TRUE((*writer)->add(job).ok());
    for (const auto& r : rows) ASSERT_TRUE((*writer)->add(r).ok());
    store::PrunePlan plan;
    plan.start_hash = start;
    plan.last_attempt_id = rows.empty() ? 0 : rows.back().id;
    plan.end_hash = rows.empty() ? start : *rows.back().row_hash;
    plan.attempts = static_cast<std::int64_t>(rows.size());
    plan.jobs = 1;
    plan.batches = 1;
    ASSERT_TRUE((*writer)->finish(plan).ok());
  }

  // The archive's lines, changed by `edit`, written to a new file.
  std::string rewritten(const std::function<void(std::vector<std::string>&)>& edit) {
    auto reader = GzipLineReader::open(path_);
    EXPECT_TRUE(reader.ok());
    std::vector<std::string> lines;
    for (auto line = reader->next_line(); line.ok() && *line; line = reader->next_line()) {
      lines.push_back(**line);
    }
    edit(lines);
    const std::string other = dir_.file("other.jsonl.gz");
    auto writer = GzipLineWriter::create(other);
    EXPECT_TRUE(writer.ok());
    for (const auto& line : lines) EXPECT_TRUE(writer->write_line(line).ok());
    EXPECT_TRUE(writer->close().ok());
    return other;
  }

  std::string problem_of(const std::string& path) {
    auto report = read_archive(path);
    EXPECT_TRUE(report.ok());
    return report.ok() && report->problem ? *report->problem : "";
  }

  oneall::testing::TempDir dir_;
  const std::string path_ = dir_.file("archive.jsonl.gz");
};

TEST_F(ArchiveFileTest, AWrittenArchiveVerifiesAndMatchesItsCheckpoint) {
  const auto rows = chain(50, std::string(store::kChainGenesis));
  write(rows, std::string(store::kChainGenesis));
  EXPECT_FALSE(std::filesystem::exists(path_ + ".partial"));
  auto report = read_archive(path_);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_TRUE(report->intact()) << *report->problem;
  EXPECT_EQ(report->rows_checked, 50);
  EXPECT_EQ(report->jobs, 1);
  EXPECT_EQ(report->batches, 1);

  store::ChainCheckpoint checkpoint;
  checkpoint.id = 1;
  checkpoint.start_hash = std::string(store::kChainGenesis);
  checkpoint.last_attempt_id = 50;
  checkpoint.end_hash = *rows.back().row_hash;
  checkpoint.attempts = 50;
  checkpoint.jobs = 1;
  match_checkpoint(*report, {checkpoint});
  EXPECT_TRUE(report->intact());
  ASSERT_TRUE(report->checkpoint.has_value());

  checkpoint.end_hash = "other";
  ArchiveReport unmatched = *read_archive(path_);
  match_checkpoint(unmatched, {checkpoint});
  ASSERT_FALSE(unmatched.intact());
  EXPECT_NE(unmatched.problem->find("records no prune of these rows"), std::string::npos);
}

TEST_F(ArchiveFileTest, WhatWouldMakeAnArchiveLieIsFound) {
  write(chain(5, std::string(store::kChainGenesis)), std::string(store::kChainGenesis));
  // Lines (from 0): header, batch, job, rows 1..5 at 3..7, the end at 8.
  EXPECT_NE(problem_of(rewritten([](auto& lines) {
              lines[4].replace(lines[4].find("quoted"), 6, "QUOTED");
            })).find("line 5: attempt row 2 (job 2) was edited"),
            std::string::npos);
  EXPECT_NE(problem_of(rewritten([](auto& lines) {
              lines.erase(lines.begin() + 4);
            })).find("attempt row 3 does not link to the row before it (row 1)"),
            std::string::npos);
  EXPECT_NE(problem_of(rewritten([](auto& lines) { lines.pop_back(); })).find("cut short"),
            std::string::npos);
  EXPECT_NE(problem_of(rewritten([](auto& lines) {
              lines.erase(lines.begin() + 7);
            })).find("rows were cut from the end"),
            std::string::npos);
  EXPECT_NE(problem_of(rewritten([](auto& lines) {
              lines.push_back(lines[3]);
            })).find("a line after the end line"),
            std::string::npos);
  EXPECT_NE(problem_of(rewritten([](auto& lines) {
              lines.erase(lines.begin() + 2);
            })).find("the file holds 5, 0, 1"),
            std::string::npos);
}

TEST_F(ArchiveFileTest, AWriterRefusesABrokenChainAndLeavesNoArchive) {
  auto rows = chain(3, std::string(store::kChainGenesis));
  rows[1].values[14].text = "changed after it was hashed";
  auto writer = ArchiveWriter::create(path_, {"queue.db", 1000, 500});
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->add(rows[0]).ok());
  auto refused = (*writer)->add(rows[1]);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("broken at row 2"), std::string::npos);
  EXPECT_TRUE((*writer)->broken().has_value());
  EXPECT_FALSE(std::filesystem::exists(path_));
}

TEST_F(ArchiveFileTest, ANonGzipFileIsNotAnArchive) {
  const std::string text = dir_.write("notes.txt", "hello\n");
  auto report = read_archive(text);
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->intact());
}

}  // namespace
}  // namespace oneall::audit
