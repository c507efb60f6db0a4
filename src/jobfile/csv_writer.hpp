// Writes a CSV job file (docs/formats.md#csv) that the CSV reader takes as it is: the header,
// then one row per job holding the job's own fields, quoted by RFC 4180 where a cell needs it.
// What `report --format jobfile` writes, so that a user fixes rows and imports them again.
// Cells are written exactly as the job holds them: unlike the report's CSV, text a spreadsheet
// would take for a formula is not neutralised, because a changed cell would queue another job.
#pragma once

#include <string>

#include "api/action.hpp"
#include "api/schedule.hpp"

namespace oneall::jobfile {

// One job as a row of a job file.
struct JobFileRow {
  api::Action action;
  api::Schedule schedule;  // not_before, expires_at: written as UTC times, empty when none
};

std::string csv_job_file_header();                    // no trailing newline
std::string csv_job_file_row(const JobFileRow& row);  // no trailing newline

// `text` as one RFC 4180 cell: quoted (quotes doubled) when it holds a comma, a quote, a line
// break, or space at either end; as it is otherwise.
std::string csv_job_file_cell(const std::string& text);

}  // namespace oneall::jobfile
