// Splits a CSV byte stream into rows (RFC 4180, via libcsv in strict mode) and remembers the
// line each row STARTS on, which libcsv does not report: a quoted field may span lines, so the
// line a row ends on can be later than the one a user should be pointed to.
//
// Bytes are fed in chunks of any size; rows are handed to the row handler as soon as they are
// complete, from C++ code (never from inside a libcsv callback), so the handler may throw.
// Memory is bounded: a field may grow to kMaxFieldBytes and a row keeps kMaxCellsKept cells
// (further cells are only counted), whatever the size of the input.
//
// Handles a UTF-8 byte order mark at the very start, CRLF or LF line ends, a missing final
// newline, and skips lines that hold nothing at all. Spaces are part of a field (RFC 4180).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct csv_parser;  // <csv.h>; kept out of this header so that only this layer needs libcsv

namespace oneall::jobfile {

inline constexpr std::size_t kMaxFieldBytes = 1024 * 1024;
inline constexpr std::size_t kMaxCellsKept = 256;

struct CsvRow {
  std::vector<std::string> cells;  // at most kMaxCellsKept
  std::size_t cell_count = 0;      // all cells of the row, kept or not
  std::size_t line = 0;            // 1-based line where the row starts
};

class CsvTokenizer {
 public:
  using RowHandler = std::function<void(const CsvRow& row)>;
  // A malformed row (it is dropped) or, when `fatal`, a problem after which the rest of the
  // input is ignored.
  using ErrorHandler = std::function<void(std::size_t line, const std::string& message)>;

  CsvTokenizer(RowHandler on_row, ErrorHandler on_error);
  ~CsvTokenizer();
  CsvTokenizer(const CsvTokenizer&) = delete;
  CsvTokenizer& operator=(const CsvTokenizer&) = delete;

  void feed(std::string_view bytes);
  // The end of the input: submits a last row without a final newline, or reports a quoted
  // field that never closed (at the line where its row started).
  void finish();

  // After a fatal problem (a field longer than kMaxFieldBytes, usually a quote that never
  // closes): later input is ignored.
  bool stopped() const { return stopped_; }

 private:
  struct ParserDeleter {
    void operator()(csv_parser* parser) const;
  };
  using ParserPtr = std::unique_ptr<csv_parser, ParserDeleter>;

  static ParserPtr make_parser();
  static void on_field(void* data, std::size_t size, void* self);
  static void on_row_end(int terminator, void* self);

  void feed_piece(std::string_view piece);  // holds at most one '\n', at its end
  void deliver_rows();
  void drop_row_after_error(bool skip_rest_of_line);
  std::size_t row_line() const { return open_row_line_ != 0 ? open_row_line_ : line_; }

  ParserPtr parser_;
  RowHandler on_row_;
  ErrorHandler on_error_;

  std::string bom_probe_;  // the first bytes, until we know whether they are a BOM
  bool bom_checked_ = false;
  std::size_t line_ = 1;           // the line of the bytes being fed
  std::size_t open_row_line_ = 0;  // where the row being parsed started; 0 between rows
  bool skip_to_line_end_ = false;  // after a syntax error, until the next '\n'
  bool stopped_ = false;
  CsvRow current_;
  // The first completed_count_ are the rows finished by the last csv_parse call; the rest, rows
  // delivered before, whose room is used again.
  std::vector<CsvRow> completed_;
  std::size_t completed_count_ = 0;
};

}  // namespace oneall::jobfile
