// read_csv_file and read_csv_text: the input is fed to the CsvTokenizer in fixed-size chunks;
// the first row is the header, and every later row becomes a record handed to the sink at
// once, so memory stays flat however long the file is.
#include <optional>
#include <vector>

#include "jobfile/csv_header.hpp"
#include "jobfile/csv_record.hpp"
#include "jobfile/csv_tokenizer.hpp"
#include "jobfile/diagnostic_list.hpp"
#include "jobfile/input_file.hpp"
#include "jobfile/reader.hpp"

namespace oneall::jobfile {
namespace {

constexpr std::size_t kChunkBytes = 64 * 1024;

// One CSV job file being read: header first, then one record per row.
class CsvJobReader {
 public:
  CsvJobReader(const ReadOptions& options, const RecordSink& sink, DiagnosticList& out)
      : options_(options),
        sink_(sink),
        out_(out),
        tokenizer_([this](const CsvRow& row) { on_row(row); },
                   [this](std::size_t line, const std::string& message) {
                     out_.add(out_.at(line), "", message);
                   }) {}

  bool stopped() const { return tokenizer_.stopped(); }
  void feed(std::string_view bytes) { tokenizer_.feed(bytes); }

  void finish() {
    tokenizer_.finish();
    if (!seen_header_ && out_.count() == 0) {
      out_.add_file_problem("the file is empty: expected a header row (op,target,identity,...)");
    }
  }

 private:
  void on_row(const CsvRow& row) {
    if (!seen_header_) {
      seen_header_ = true;
      header_ = CsvHeader::parse(row.cells, row.cell_count, row.line, options_, out_);
      return;
    }
    // With a broken header the rows cannot be interpreted; its problems are the report.
    if (!header_) return;
    if (std::optional<JobRecord> record = build_csv_record(*header_, row, options_, out_)) {
      sink_(std::move(*record));
    }
  }

  const ReadOptions& options_;
  const RecordSink& sink_;
  DiagnosticList& out_;
  bool seen_header_ = false;
  std::optional<CsvHeader> header_;
  CsvTokenizer tokenizer_;
};

}  // namespace

std::vector<Diagnostic> read_csv_file(const std::string& path, const ReadOptions& options,
                                      const RecordSink& sink) {
  DiagnosticList out(path);
  Result<InputFile> file = InputFile::open(path);
  if (!file) {
    out.add_file_problem(file.error().message);
    return std::move(out).take();
  }
  CsvJobReader reader(options, sink, out);
  std::vector<char> chunk(kChunkBytes);
  while (!reader.stopped()) {
    Result<std::size_t> got = file->read(chunk);
    if (!got) {
      out.add_file_problem(got.error().message);
      return std::move(out).take();
    }
    if (*got == 0) break;
    reader.feed(std::string_view(chunk.data(), *got));
  }
  reader.finish();
  return std::move(out).take();
}

std::vector<Diagnostic> read_csv_text(std::string_view text, const std::string& name,
                                      const ReadOptions& options, const RecordSink& sink) {
  DiagnosticList out(name);
  CsvJobReader reader(options, sink, out);
  reader.feed(text);
  reader.finish();
  return std::move(out).take();
}

}  // namespace oneall::jobfile
