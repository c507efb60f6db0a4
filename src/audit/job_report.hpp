// Writes `report` rows (one per job, its final outcome and last API answer) as JSON Lines or
// CSV, with the same CSV rules as the attempt log (attempt_export.hpp: formula-like cells
// neutralised, RFC 4180 quoting).
#pragma once

#include <string>

#include "store/records.hpp"

namespace oneall::audit {

std::string job_report_jsonl(const store::JobReportRow& row);  // no trailing newline

std::string job_report_csv_header();
std::string job_report_csv(const store::JobReportRow& row);  // no trailing newline

}  // namespace oneall::audit
