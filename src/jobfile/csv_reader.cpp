// read_csv_file: the file is read in fixed-size chunks and fed to the CsvTokenizer; the first
// row is the header, and every later row becomes a record handed to the sink at once, so
// memory stays flat however long the file is.
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

}  // namespace

std::vector<Diagnostic> read_csv_file(const std::string& path, const ReadOptions& options,
                                      const RecordSink& sink) {
  DiagnosticList out(path);
  Result<InputFile> file = InputFile::open(path);
  if (!file) {
    out.add_file_problem(file.error().message);
    return std::move(out).take();
  }

  bool seen_header = false;
  std::optional<CsvHeader> header;
  CsvTokenizer tokenizer(
      [&](const CsvRow& row) {
        if (!seen_header) {
          seen_header = true;
          header = CsvHeader::parse(row.cells, row.cell_count, row.line, options, out);
          return;
        }
        // With a broken header the rows cannot be interpreted; its problems are the report.
        if (!header) return;
        if (std::optional<JobRecord> record = build_csv_record(*header, row, options, out)) {
          sink(std::move(*record));
        }
      },
      [&](std::size_t line, const std::string& message) { out.add(out.at(line), "", message); });

  std::vector<char> chunk(kChunkBytes);
  while (!tokenizer.stopped()) {
    Result<std::size_t> got = file->read(chunk);
    if (!got) {
      out.add_file_problem(got.error().message);
      return std::move(out).take();
    }
    if (*got == 0) break;
    tokenizer.feed(std::string_view(chunk.data(), *got));
  }
  tokenizer.finish();
  if (!seen_header && out.count() == 0) {
    out.add_file_problem("the file is empty: expected a header row (op,target,identity,...)");
  }
  return std::move(out).take();
}

}  // namespace oneall::jobfile
