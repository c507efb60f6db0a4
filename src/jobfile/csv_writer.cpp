#include "jobfile/csv_writer.hpp"

#include <array>

#include "jobfile/csv_header.hpp"

namespace oneall::jobfile {
namespace {

// Every column, in the order docs/formats.md shows them, whether a row sets it or not: a job
// file's rows all have the header's width.
constexpr std::array<CsvColumn, kCsvColumnCount> kWrittenColumns = {
    CsvColumn::kOp,       CsvColumn::kTarget,      CsvColumn::kIdentity,    CsvColumn::kPageId,
    CsvColumn::kObjectId, CsvColumn::kBoard,       CsvColumn::kDescription, CsvColumn::kLink,
    CsvColumn::kMessage,  CsvColumn::kAttachments, CsvColumn::kNotBefore,   CsvColumn::kExpiresAt,
};

// RFC 3339 in UTC to the millisecond, which the reader takes back to the same instant (and so
// the same job key).
std::string time_or_empty(const std::optional<EpochMs>& time) {
  return time ? format_utc_ms(*time) : std::string();
}

std::string text_or_empty(const std::optional<std::string>& text) { return text.value_or(""); }

// Picture ids separated by spaces, as the reader takes them.
std::string ids_cell(const std::optional<std::vector<api::PictureId>>& ids) {
  std::string cell;
  if (!ids) return cell;
  for (const api::PictureId& id : *ids) {
    if (!cell.empty()) cell.push_back(' ');
    cell += id.digits();
  }
  return cell;
}

std::string cell(const JobFileRow& row, CsvColumn column) {
  const api::Action& action = row.action;
  switch (column) {
    case CsvColumn::kOp:
      return std::string(api::op_name(action.op));
    case CsvColumn::kTarget:
      return std::string(api::target_name(action.target));
    case CsvColumn::kIdentity:
      return action.identity;
    case CsvColumn::kPageId:
      return action.page_id;
    case CsvColumn::kObjectId:
      return action.object_id;
    case CsvColumn::kBoard:
      return text_or_empty(action.fields.board);
    case CsvColumn::kDescription:
      return text_or_empty(action.fields.description);
    case CsvColumn::kLink:
      return text_or_empty(action.fields.link);
    case CsvColumn::kMessage:
      return text_or_empty(action.fields.message);
    case CsvColumn::kAttachments:
      return ids_cell(action.fields.attachments);
    case CsvColumn::kNotBefore:
      return time_or_empty(row.schedule.not_before);
    case CsvColumn::kExpiresAt:
      return time_or_empty(row.schedule.expires_at);
  }
  return "";
}

}  // namespace

std::string csv_job_file_cell(const std::string& text) {
  const bool quote = text.find_first_of(",\"\r\n") != std::string::npos ||
                     (!text.empty() && (text.front() == ' ' || text.front() == '\t' ||
                                        text.back() == ' ' || text.back() == '\t'));
  if (!quote) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted.push_back('"');
    quoted.push_back(c);
  }
  quoted.push_back('"');
  return quoted;
}

std::string csv_job_file_header() {
  std::string header;
  for (CsvColumn column : kWrittenColumns) {
    if (!header.empty()) header.push_back(',');
    header += column_name(column);
  }
  return header;
}

std::string csv_job_file_row(const JobFileRow& row) {
  std::string line;
  bool first = true;
  for (CsvColumn column : kWrittenColumns) {
    if (!first) line.push_back(',');
    first = false;
    line += csv_job_file_cell(cell(row, column));
  }
  return line;
}

}  // namespace oneall::jobfile
