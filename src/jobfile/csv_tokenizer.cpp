#include "jobfile/csv_tokenizer.hpp"

#include <csv.h>

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace oneall::jobfile {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// libcsv trims spaces and tabs around unquoted fields unless told nothing is a space; RFC 4180
// says spaces are part of the field, and an id with a stray space must be reported, not fixed.
int no_space(unsigned char) { return 0; }

bool is_line_end(char c) { return c == '\n' || c == '\r'; }

bool has_content(std::string_view piece) {
  for (char c : piece) {
    if (!is_line_end(c)) return true;
  }
  return false;
}

}  // namespace

void CsvTokenizer::ParserDeleter::operator()(csv_parser* parser) const {
  csv_free(parser);
  std::default_delete<csv_parser>()(parser);
}

CsvTokenizer::ParserPtr CsvTokenizer::make_parser() {
  ParserPtr parser(std::make_unique<csv_parser>().release());
  if (csv_init(parser.get(), CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
    throw std::logic_error("csv_init refused its options");
  }
  csv_set_space_func(parser.get(), no_space);
  return parser;
}

CsvTokenizer::CsvTokenizer(RowHandler on_row, ErrorHandler on_error)
    : parser_(make_parser()), on_row_(std::move(on_row)), on_error_(std::move(on_error)) {}

CsvTokenizer::~CsvTokenizer() = default;

void CsvTokenizer::on_field(void* data, std::size_t size, void* self) {
  auto& tokenizer = *static_cast<CsvTokenizer*>(self);
  CsvRow& row = tokenizer.current_;
  if (row.cell_count == 0) row.line = tokenizer.row_line();
  // The row's room may be a delivered row's: its cells are written over where there are some.
  const char* bytes = static_cast<const char*>(data);
  if (row.cell_count < row.cells.size()) {
    row.cells[row.cell_count].assign(bytes, size);
  } else if (row.cell_count < kMaxCellsKept) {
    row.cells.emplace_back(bytes, size);
  }
  ++row.cell_count;
}

void CsvTokenizer::on_row_end(int /*terminator*/, void* self) {
  auto& tokenizer = *static_cast<CsvTokenizer*>(self);
  CsvRow& row = tokenizer.current_;
  row.cells.resize(std::min(row.cell_count, kMaxCellsKept));
  // The finished row goes into the room of a row already delivered (if there is one), and the
  // next row is written into that row's room: cells are not allocated for every row.
  std::vector<CsvRow>& completed = tokenizer.completed_;
  if (tokenizer.completed_count_ == completed.size()) completed.emplace_back();
  std::swap(completed[tokenizer.completed_count_++], row);
  row.cell_count = 0;
  tokenizer.open_row_line_ = 0;
}

void CsvTokenizer::feed(std::string_view bytes) {
  if (!bom_checked_) {
    // Collect the first three bytes before deciding, whatever the chunk sizes.
    const std::size_t take = std::min(bytes.size(), kUtf8Bom.size() - bom_probe_.size());
    bom_probe_.append(bytes.substr(0, take));
    bytes.remove_prefix(take);
    if (bom_probe_.size() < kUtf8Bom.size()) return;
    bom_checked_ = true;
    const std::string probe = std::exchange(bom_probe_, {});
    if (probe != kUtf8Bom) feed(probe);
  }
  // Feed line by line, so that `line_` is the line of every byte libcsv sees in this call.
  while (!bytes.empty() && !stopped_) {
    const std::size_t newline = bytes.find('\n');
    const std::size_t size = newline == std::string_view::npos ? bytes.size() : newline + 1;
    feed_piece(bytes.substr(0, size));
    bytes.remove_prefix(size);
    if (newline != std::string_view::npos) ++line_;
  }
}

void CsvTokenizer::feed_piece(std::string_view piece) {
  if (skip_to_line_end_) {
    if (piece.back() == '\n') skip_to_line_end_ = false;
    return;
  }
  // A row starts on this line if none is open and the line holds more than a line end (libcsv
  // skips empty lines). Rows that start after a bare '\r' on the same line use line_ too.
  if (open_row_line_ == 0 && has_content(piece)) open_row_line_ = line_;

  const std::size_t parsed =
      csv_parse(parser_.get(), piece.data(), piece.size(), on_field, on_row_end, this);
  if (parsed != piece.size()) {
    const int error = csv_error(parser_.get());
    deliver_rows();  // rows completed before the error are fine
    if (error == CSV_EPARSE) {
      on_error_(line_,
                "malformed quoted field: a field that holds a quote must be enclosed in quotes, "
                "with each quote inside it doubled (\"\"), and the closing quote must be "
                "followed by a comma or the end of the line");
    } else {
      on_error_(line_, std::string("cannot parse CSV: ") + csv_strerror(error));
    }
    drop_row_after_error(piece.back() != '\n');
    return;
  }
  deliver_rows();
  // A row can start after a bare '\r' ended the previous one on this same line; when its first
  // field is still open at the end of the piece (a quote spanning lines), on_field has not run
  // to note the line, so note it here. pstate 0 is libcsv's ROW_NOT_BEGUN (libcsv.c).
  if (open_row_line_ == 0 && parser_->pstate != 0) open_row_line_ = line_;
  if (csv_get_buffer_size(parser_.get()) > kMaxFieldBytes) {
    on_error_(row_line(), "a field is longer than " + std::to_string(kMaxFieldBytes / 1024) +
                              " KiB (is a closing quote missing?); the rest of the file was not "
                              "read");
    stopped_ = true;
  }
}

void CsvTokenizer::drop_row_after_error(bool skip_rest_of_line) {
  parser_ = make_parser();
  current_ = CsvRow{};
  open_row_line_ = 0;
  skip_to_line_end_ = skip_rest_of_line;
}

void CsvTokenizer::deliver_rows() {
  // Counted out first: the handler may throw, and must not see these rows again.
  const std::size_t count = std::exchange(completed_count_, 0);
  for (std::size_t i = 0; i < count; ++i) on_row_(completed_[i]);
}

void CsvTokenizer::finish() {
  if (stopped_) return;
  if (!bom_checked_) {
    bom_checked_ = true;
    const std::string probe = std::exchange(bom_probe_, {});
    feed(probe);
  }
  if (csv_fini(parser_.get(), on_field, on_row_end, this) != 0) {
    deliver_rows();
    on_error_(row_line(),
              "unterminated quoted field: a quote opened in the row starting on this line "
              "never closes");
    current_ = CsvRow{};
    open_row_line_ = 0;
    return;
  }
  deliver_rows();
}

}  // namespace oneall::jobfile
