#include "jobfile/csv_record.hpp"

#include <string_view>
#include <utility>
#include <vector>

#include "api/picture_id.hpp"
#include "jobfile/job_fields.hpp"
#include "util/rfc3339.hpp"

namespace oneall::jobfile {
namespace {

constexpr std::array<CsvColumn, 5> kSetColumns = {
    CsvColumn::kBoard,   CsvColumn::kDescription, CsvColumn::kLink,
    CsvColumn::kMessage, CsvColumn::kAttachments,
};

// Picture ids separated by spaces (docs/formats.md); runs of spaces or tabs count as one
// separator. Each id must be one api::PictureId accepts, by the same rule as in YAML; the
// first bad one is reported (the message names it) and the cell is refused.
Result<std::vector<api::PictureId>> parse_ids(std::string_view cell) {
  std::vector<api::PictureId> ids;
  std::size_t start = 0;
  while (start < cell.size()) {
    const std::size_t begin = cell.find_first_not_of(" \t", start);
    if (begin == std::string_view::npos) break;
    const std::size_t end = std::min(cell.find_first_of(" \t", begin), cell.size());
    Result<api::PictureId> id = api::PictureId::parse(cell.substr(begin, end - begin));
    if (!id) return id.error();
    ids.push_back(*id);
    start = end;
  }
  return ids;
}

// api field names ("set.link", "set.attachments") to the CSV's column names ("link").
std::string column_for(const std::string& api_field) {
  constexpr std::string_view kSetPrefix = "set.";
  if (api_field.starts_with(kSetPrefix)) return api_field.substr(kSetPrefix.size());
  return api_field;
}

}  // namespace

std::optional<JobRecord> build_csv_record(const CsvHeader& header, const CsvRow& row,
                                          const ReadOptions& options, DiagnosticList& out) {
  const SourcePos pos = out.at(row.line);
  if (row.cell_count != header.width()) {
    out.add(pos, "",
            "the row has " + std::to_string(row.cell_count) + " cells but the header has " +
                std::to_string(header.width()) + " (a comma inside a value needs quotes)");
    return std::nullopt;
  }
  // Empty cells, and columns the header does not have, are "not set".
  auto cell = [&](CsvColumn column) -> std::optional<std::string> {
    const std::optional<std::size_t> index = header.index(column);
    if (!index || row.cells[*index].empty()) return std::nullopt;
    return row.cells[*index];
  };

  // A problem with a cell points at its column (the cell's number, 1 = the first); one with a
  // column the header lacks points at the row.
  auto at = [&](CsvColumn column) {
    const std::optional<std::size_t> index = header.index(column);
    return out.at(row.line, index ? *index + 1 : 0);
  };

  bool ok = true;
  bool attachments_refused = false;
  std::optional<api::Op> op;
  std::optional<api::Target> target;
  if (auto text = cell(CsvColumn::kOp)) {
    auto parsed = parse_op_name(*text);
    if (parsed) {
      op = *parsed;
    } else {
      out.add(at(CsvColumn::kOp), "op", parsed.error().message);
    }
  } else {
    out.add(at(CsvColumn::kOp), "op", "is required (expected " + allowed_ops() + ")");
  }
  if (auto text = cell(CsvColumn::kTarget)) {
    auto parsed = parse_target_name(*text);
    if (parsed) {
      target = *parsed;
    } else {
      out.add(at(CsvColumn::kTarget), "target", parsed.error().message);
    }
  } else {
    out.add(at(CsvColumn::kTarget), "target", "is required (expected " + allowed_targets() + ")");
  }
  if (!op || !target) return std::nullopt;  // no Action to validate without them

  JobRecord record;
  record.pos = pos;
  api::Action& action = record.action;
  action.op = *op;
  action.target = *target;
  action.identity = cell(CsvColumn::kIdentity).value_or(options.identity.value_or(""));
  action.page_id = cell(CsvColumn::kPageId).value_or("");
  action.object_id = cell(CsvColumn::kObjectId).value_or("");

  if (action.op == api::Op::kUpdate) {
    api::UpdateFields& fields = action.fields;
    fields.board = cell(CsvColumn::kBoard);
    fields.description = cell(CsvColumn::kDescription);
    fields.link = cell(CsvColumn::kLink);
    fields.message = cell(CsvColumn::kMessage);
    if (auto text = cell(CsvColumn::kAttachments)) {
      Result<std::vector<api::PictureId>> ids = parse_ids(*text);
      if (ids) {
        fields.attachments = std::move(*ids);
      } else {
        out.add(at(CsvColumn::kAttachments), "attachments", ids.error().message);
        ok = false;
        attachments_refused = true;
      }
    }
  } else {
    for (CsvColumn column : kSetColumns) {
      if (cell(column)) {
        out.add(at(column), std::string(column_name(column)),
                "is not allowed on a delete (leave the cell empty, or make the row an update)");
        ok = false;
      }
    }
  }

  auto time = [&](CsvColumn column) -> std::optional<EpochMs> {
    auto text = cell(column);
    if (!text) return std::nullopt;
    Result<EpochMs> parsed = parse_rfc3339(*text);
    if (parsed) return *parsed;
    out.add(at(column), std::string(column_name(column)), parsed.error().message);
    ok = false;
    return std::nullopt;
  };
  record.schedule.not_before = time(CsvColumn::kNotBefore);
  record.schedule.expires_at = time(CsvColumn::kExpiresAt);
  if (const api::Schedule& when = record.schedule;
      when.not_before && when.expires_at && *when.expires_at <= *when.not_before) {
    out.add(at(CsvColumn::kExpiresAt), "expires_at",
            "must be later than not_before (" + format_utc_ms(*when.not_before) +
                "): the job could never be sent");
    ok = false;
  }

  const FieldLocator locate = [&](const api::FieldProblem& problem) -> std::optional<FieldPlace> {
    // A refused cell was reported above; "sets no field" would only repeat it.
    if (attachments_refused && problem.field == "set") return std::nullopt;
    const std::string name = column_for(problem.field);
    const std::optional<CsvColumn> column = parse_column(name);
    return std::optional<FieldPlace>(FieldPlace{column ? at(*column) : pos, name});
  };
  ok = check_action(action, locate, out) && ok;
  if (!ok) return std::nullopt;
  return record;
}

}  // namespace oneall::jobfile
