// Writes the audit log (docs/formats.md#output-formats) as JSON Lines or CSV. CSV cells that a
// spreadsheet would run as a formula (starting with = + - @, tab or CR) are neutralised with a
// leading apostrophe; JSONL is one valid JSON object per line.
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>

#include "store/records.hpp"

namespace oneall::audit {

std::string attempt_jsonl(const store::AttemptRow& row);  // no trailing newline

std::string attempt_csv_header();
std::string attempt_csv(const store::AttemptRow& row);  // no trailing newline

// One CSV cell: quoted when needed (RFC 4180), formula-like text neutralised.
std::string csv_cell(std::string_view text);

}  // namespace oneall::audit
