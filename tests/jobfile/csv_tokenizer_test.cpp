// CsvTokenizer on byte strings: RFC 4180 rows, the line each row starts on, and that neither
// depends on how the input is cut into chunks.
#include "jobfile/csv_tokenizer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace oneall::jobfile {
namespace {

struct Tokens {
  std::vector<CsvRow> rows;
  std::vector<std::pair<std::size_t, std::string>> errors;
};

// Feeds `text` in pieces of `chunk` bytes (0: all at once).
Tokens tokenize(std::string_view text, std::size_t chunk = 0) {
  Tokens out;
  CsvTokenizer tokenizer([&](const CsvRow& row) { out.rows.push_back(row); },
                         [&](std::size_t line, const std::string& message) {
                           out.errors.emplace_back(line, message);
                         });
  if (chunk == 0) chunk = text.size() + 1;
  for (std::size_t at = 0; at < text.size(); at += chunk) tokenizer.feed(text.substr(at, chunk));
  tokenizer.finish();
  return out;
}

std::vector<std::size_t> lines(const Tokens& tokens) {
  std::vector<std::size_t> result;
  for (const CsvRow& row : tokens.rows) result.push_back(row.line);
  return result;
}

using Cells = std::vector<std::string>;

TEST(CsvTokenizerTest, SplitsRowsAndCells) {
  const Tokens t = tokenize("a,b,c\n1,,3\n");
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0].cells, (Cells{"a", "b", "c"}));
  EXPECT_EQ(t.rows[1].cells, (Cells{"1", "", "3"}));
  EXPECT_EQ(t.rows[1].cell_count, 3u);
  EXPECT_EQ(lines(t), (std::vector<std::size_t>{1, 2}));
  EXPECT_TRUE(t.errors.empty());
}

TEST(CsvTokenizerTest, QuotedCommaDoubledQuoteAndNewline) {
  const Tokens t = tokenize("h\n\"a,b\"\n\"say \"\"hi\"\"\"\n\"x\ny\nz\"\nnext\n");
  ASSERT_EQ(t.rows.size(), 5u);
  EXPECT_EQ(t.rows[1].cells, (Cells{"a,b"}));
  EXPECT_EQ(t.rows[2].cells, (Cells{"say \"hi\""}));
  EXPECT_EQ(t.rows[3].cells, (Cells{"x\ny\nz"}));
  // The three-line row starts on line 4; the row after it on line 7.
  EXPECT_EQ(lines(t), (std::vector<std::size_t>{1, 2, 3, 4, 7}));
}

TEST(CsvTokenizerTest, CrlfLineEnds) {
  const Tokens t = tokenize("a,b\r\n1,2\r\n\"x\r\ny\",3\r\n4,5\r\n");
  ASSERT_EQ(t.rows.size(), 4u);
  EXPECT_EQ(t.rows[1].cells, (Cells{"1", "2"}));
  EXPECT_EQ(t.rows[2].cells, (Cells{"x\r\ny", "3"}));
  EXPECT_EQ(lines(t), (std::vector<std::size_t>{1, 2, 3, 5}));
}

TEST(CsvTokenizerTest, ByteOrderMarkIsDroppedOnlyAtTheStart) {
  const Tokens t = tokenize("\xEF\xBB\xBFop,x\n\xEF\xBB\xBFv,w\n");
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0].cells, (Cells{"op", "x"}));
  EXPECT_EQ(t.rows[1].cells[0], "\xEF\xBB\xBFv");
}

TEST(CsvTokenizerTest, ShortInputsWithoutBom) {
  EXPECT_EQ(tokenize("a").rows.at(0).cells, (Cells{"a"}));
  EXPECT_EQ(tokenize("ab").rows.at(0).cells, (Cells{"ab"}));
  EXPECT_EQ(tokenize("\xEF\xBB").rows.at(0).cells, (Cells{"\xEF\xBB"}));
  EXPECT_TRUE(tokenize("").rows.empty());
  EXPECT_TRUE(tokenize("\xEF\xBB\xBF").rows.empty());
}

TEST(CsvTokenizerTest, MissingFinalNewline) {
  const Tokens t = tokenize("a,b\n1,2");
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[1].cells, (Cells{"1", "2"}));
  EXPECT_EQ(t.rows[1].line, 2u);
  EXPECT_TRUE(t.errors.empty());
}

TEST(CsvTokenizerTest, SkipsEmptyLinesButCountsThem) {
  const Tokens t = tokenize("\na\n\n\r\n\nb\n\n");
  EXPECT_EQ(lines(t), (std::vector<std::size_t>{2, 6}));
}

TEST(CsvTokenizerTest, SpacesArePartOfTheField) {
  const Tokens t = tokenize(" a , b\t\n");
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(t.rows[0].cells, (Cells{" a ", " b\t"}));
}

TEST(CsvTokenizerTest, ChunkingChangesNothing) {
  const std::string text =
      "\xEF\xBB\xBFop,target\r\n\"multi\nline, \"\"quoted\"\"\",x\r\n\r\nplain,\"\"\nlast,row";
  const Tokens whole = tokenize(text);
  ASSERT_EQ(whole.rows.size(), 4u);
  for (std::size_t chunk : {1u, 2u, 3u, 5u, 7u}) {
    const Tokens pieces = tokenize(text, chunk);
    ASSERT_EQ(pieces.rows.size(), whole.rows.size()) << chunk;
    for (std::size_t i = 0; i < whole.rows.size(); ++i) {
      EXPECT_EQ(pieces.rows[i].cells, whole.rows[i].cells) << chunk;
      EXPECT_EQ(pieces.rows[i].line, whole.rows[i].line) << chunk;
    }
  }
  EXPECT_EQ(lines(whole), (std::vector<std::size_t>{1, 2, 5, 6}));
}

TEST(CsvTokenizerTest, RowsArriveAsSoonAsTheyAreComplete) {
  std::vector<CsvRow> rows;
  CsvTokenizer tokenizer([&](const CsvRow& row) { rows.push_back(row); },
                         [](std::size_t, const std::string&) { FAIL(); });
  tokenizer.feed("a,b\n1,");
  EXPECT_EQ(rows.size(), 1u);
  tokenizer.feed("2\n3");
  EXPECT_EQ(rows.size(), 2u);
  tokenizer.finish();
  EXPECT_EQ(rows.size(), 3u);
}

TEST(CsvTokenizerTest, UnterminatedQuoteIsReportedWhereItsRowStarts) {
  const Tokens t = tokenize("a,b\n1,2\n3,\"open\nstill open\n\nto the end");
  EXPECT_EQ(lines(t), (std::vector<std::size_t>{1, 2}));
  ASSERT_EQ(t.errors.size(), 1u);
  EXPECT_EQ(t.errors[0].first, 3u);
  EXPECT_EQ(t.errors[0].second,
            "unterminated quoted field: a quote opened in the row starting on this line never "
            "closes");
}

// Found by the fuzzer: a row that starts after a bare '\r' on the same line, with a quote that
// never closes, was placed on the next line when the whole line arrived in one piece.
TEST(CsvTokenizerTest, UnterminatedQuoteAfterABareCrIsOnTheLineOfTheCr) {
  for (std::size_t chunk : {0, 1, 2, 3}) {
    const Tokens t = tokenize("abc,d\r\"open\nmore", chunk);
    ASSERT_EQ(t.errors.size(), 1u) << chunk;
    EXPECT_EQ(t.errors[0].first, 1u) << "chunk " << chunk;
  }
  const Tokens cells = tokenize("abc,d\r\"x\ny\",z\n");
  ASSERT_EQ(cells.rows.size(), 2u);
  EXPECT_EQ(cells.rows[1].line, 1u);
  EXPECT_EQ(cells.rows[1].cells, (Cells{"x\ny", "z"}));
}

TEST(CsvTokenizerTest, MalformedQuoteDropsTheRowAndReadingGoesOn) {
  const Tokens t = tokenize("a,b\n1,x\"y\n2,\"q\"z\n3,4\n");
  EXPECT_EQ(lines(t), (std::vector<std::size_t>{1, 4}));
  ASSERT_EQ(t.errors.size(), 2u);
  EXPECT_EQ(t.errors[0].first, 2u);
  EXPECT_EQ(t.errors[1].first, 3u);
  EXPECT_NE(t.errors[0].second.find("malformed quoted field"), std::string::npos);
}

TEST(CsvTokenizerTest, MalformedQuoteAcrossChunksSkipsToTheLineEnd) {
  const Tokens t = tokenize("a\nx\"yyyyyyyyyyyyyy,more,cells\nb\n", 4);
  EXPECT_EQ(lines(t), (std::vector<std::size_t>{1, 3}));
  ASSERT_EQ(t.errors.size(), 1u);
  EXPECT_EQ(t.errors[0].first, 2u);
}

TEST(CsvTokenizerTest, RunawayFieldStopsTheReadWithBoundedMemory) {
  std::string text = "a\n\"";
  text.append(kMaxFieldBytes + 200'000, 'x');
  text += "\"\nb\n";
  std::vector<CsvRow> rows;
  std::vector<std::pair<std::size_t, std::string>> errors;
  CsvTokenizer tokenizer(
      [&](const CsvRow& row) { rows.push_back(row); },
      [&](std::size_t line, const std::string& message) { errors.emplace_back(line, message); });
  for (std::size_t at = 0; at < text.size() && !tokenizer.stopped(); at += 64 * 1024) {
    tokenizer.feed(std::string_view(text).substr(at, 64 * 1024));
  }
  tokenizer.finish();
  EXPECT_TRUE(tokenizer.stopped());
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].first, 2u);
  EXPECT_NE(errors[0].second.find("is a closing quote missing?"), std::string::npos);
}

TEST(CsvTokenizerTest, KeepsABoundedNumberOfCellsButCountsThemAll) {
  std::string line(kMaxCellsKept + 50, ',');
  const Tokens t = tokenize(line + "\n");
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(t.rows[0].cells.size(), kMaxCellsKept);
  EXPECT_EQ(t.rows[0].cell_count, kMaxCellsKept + 51);
}

}  // namespace
}  // namespace oneall::jobfile
