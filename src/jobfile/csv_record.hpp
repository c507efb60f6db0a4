// Turns one CSV data row into a JobRecord: cells by header column, empty cells as "not set",
// the identity from --identity where the row has none, set fields only on updates, then
// api::validate(). Pure (no I/O), so each rule is tested without a file.
#pragma once

#include <optional>

#include "jobfile/csv_header.hpp"
#include "jobfile/csv_tokenizer.hpp"
#include "jobfile/diagnostic_list.hpp"
#include "jobfile/job_record.hpp"
#include "jobfile/reader.hpp"

namespace oneall::jobfile {

// The record, or nullopt after adding every problem of the row to `out`.
std::optional<JobRecord> build_csv_record(const CsvHeader& header, const CsvRow& row,
                                          const ReadOptions& options, DiagnosticList& out);

}  // namespace oneall::jobfile
