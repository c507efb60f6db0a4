#include "jobfile/yaml_document_markers.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>

namespace oneall::jobfile {
namespace {

using namespace std::string_view_literals;

struct MarkerCase {
  std::string_view text;
  std::size_t line;  // of the second document, 0 for none
};

const MarkerCase kCases[] = {
    {"jobs: []\n", 0},
    {"---\njobs: []\n", 0},
    {"# c\n%YAML 1.2\n---\njobs: []\n", 0},
    {"jobs: []\n...\n# done\n", 0},
    {"jobs: []\n...\n  \t\r\n", 0},
    {"jobs: []\n--- \n", 2},
    {"jobs: []\n---\r\njobs: []\r\n", 2},
    {"jobs: []\n---\tx\n", 2},
    {"jobs: []\n----\n", 0},  // not a marker: a plain scalar
    {"jobs: []\n ---\n", 0},  // not at the start of the line
    {"jobs: []\n---x\n", 0},
    {"jobs: []\n...\n\njobs: []\n", 4},
    {"jobs: []\n...\n---", 3},  // last line without a line break
    {"...\nx\n", 2},
    {"\r\n---\n", 0},    // a lone CR is no content
    {" \rx\n---\n", 2},  // but a CR inside a line is
    {"\0\n---\n"sv, 2},  // a NUL byte is content too
    {"  # comment\n---\n", 0},
    {"%TAG ! tag:x,2000:\n---\njobs: []\n---\n", 4},
};

// The same answer whether the bytes come at once, one by one, or in uneven parts.
TEST(DocumentMarkerScanTest, FindsTheSecondDocumentWhateverTheSplit) {
  for (std::size_t c = 0; c < std::size(kCases); ++c) {
    const std::string_view text = kCases[c].text;
    for (std::size_t part : {text.size() + 1, std::size_t{1}, std::size_t{2}, std::size_t{3}}) {
      DocumentMarkerScan scan;
      for (std::size_t at = 0; at < text.size(); at += part) {
        scan.feed(text.substr(at, part));
      }
      scan.finish();
      EXPECT_EQ(scan.second_document_line(), kCases[c].line)
          << "case " << c << " in parts of " << part << ": " << text;
    }
  }
}

// Directives change how yaml-cpp counts and reads what follows; only those before the document
// count.
TEST(DocumentMarkerScanTest, NotesDirectivesBeforeTheDocumentOnly) {
  for (const auto& [text, directive] :
       {std::pair<std::string_view, bool>{"# c\n%YAML 1.2\n---\njobs: []\n", true},
        {"%TAG ! tag:x,2000:\n---\n", true},
        {"jobs: []\n%x\n", false},
        {" %YAML 1.2\n", false}}) {
    DocumentMarkerScan scan;
    scan.feed(text);
    scan.finish();
    EXPECT_EQ(scan.saw_directive(), directive) << text;
  }
}

}  // namespace
}  // namespace oneall::jobfile
