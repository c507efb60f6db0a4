// Reads exported CSV back with the project's own tokenizer (src/jobfile/csv_tokenizer.hpp, RFC
// 4180 through libcsv in strict mode), so the exporter tests count cells as a spreadsheet would
// instead of searching the text.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "jobfile/csv_tokenizer.hpp"

namespace oneall::audit::testing {

// Every row of `text`, each as its cells; a malformed row fails the calling test.
inline std::vector<std::vector<std::string>> csv_rows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  jobfile::CsvTokenizer tokenizer(
      [&](const jobfile::CsvRow& row) {
        EXPECT_EQ(row.cells.size(), row.cell_count);
        rows.push_back(row.cells);
      },
      [&](std::size_t line, const std::string& message) {
        ADD_FAILURE() << "line " << line << ": " << message << "\n" << text;
      });
  tokenizer.feed(text);
  tokenizer.finish();
  return rows;
}

// The header line and one record line as a map from column name to cell; fails the calling
// test unless both parse as one row each with as many cells as the header names.
inline std::map<std::string, std::string> csv_record(const std::string& header,
                                                     const std::string& line) {
  const auto rows = csv_rows(header + "\r\n" + line + "\r\n");
  std::map<std::string, std::string> record;
  EXPECT_EQ(rows.size(), 2u) << "a record must be one CSV row: " << line;
  if (rows.size() != 2) return record;
  EXPECT_EQ(rows[1].size(), rows[0].size()) << "one cell per header column: " << line;
  for (std::size_t i = 0; i < rows[0].size() && i < rows[1].size(); ++i) {
    record[rows[0][i]] = rows[1][i];
  }
  return record;
}

}  // namespace oneall::audit::testing
