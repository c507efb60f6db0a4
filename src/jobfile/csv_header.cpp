#include "jobfile/csv_header.hpp"

namespace oneall::jobfile {
namespace {

constexpr std::array<std::string_view, kCsvColumnCount> kColumnNames = {
    "op",    "target",      "identity", "page_id", "object_id",
    "board", "description", "link",     "message", "attachments",
    "not_before", "expires_at",
};

std::string known_columns() {
  std::string list;
  for (std::string_view name : kColumnNames) {
    if (!list.empty()) list += ", ";
    list += name;
  }
  return list;
}

}  // namespace

std::string_view column_name(CsvColumn column) {
  return kColumnNames[static_cast<std::size_t>(column)];
}

std::optional<CsvColumn> parse_column(std::string_view name) {
  for (std::size_t i = 0; i < kColumnNames.size(); ++i) {
    if (kColumnNames[i] == name) return static_cast<CsvColumn>(i);
  }
  return std::nullopt;
}

std::optional<CsvHeader> CsvHeader::parse(const std::vector<std::string>& cells,
                                          std::size_t cell_count, std::size_t line,
                                          const ReadOptions& options, DiagnosticList& out) {
  const std::size_t problems_before = out.count();
  CsvHeader header;
  header.width_ = cell_count;
  if (cell_count > cells.size()) {
    out.add(out.at(line), "",
            "the header has " + std::to_string(cell_count) + " columns; a job file has at most " +
                std::to_string(kCsvColumnCount));
  }
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const std::string& name = cells[i];
    const std::optional<CsvColumn> column = parse_column(name);
    if (!column) {
      out.add(out.at(line, i + 1), name,
              name.empty() ? "a column has no name (column " + std::to_string(i + 1) + ")"
                           : "unknown column (expected " + known_columns() + ")");
      continue;
    }
    auto& slot = header.index_[static_cast<std::size_t>(*column)];
    if (slot) {
      out.add(out.at(line, i + 1), name,
              "duplicate column (columns " + std::to_string(*slot + 1) + " and " +
                  std::to_string(i + 1) + ")");
      continue;
    }
    slot = i;
  }
  auto require = [&](CsvColumn column, const char* why) {
    if (!header.index(column)) {
      out.add(out.at(line), std::string(column_name(column)),
              std::string("required column is missing") + why);
    }
  };
  require(CsvColumn::kOp, "");
  require(CsvColumn::kTarget, "");
  require(CsvColumn::kObjectId, "");
  if (!options.identity) require(CsvColumn::kIdentity, " (or give one with --identity)");

  if (out.count() != problems_before) return std::nullopt;
  return header;
}

}  // namespace oneall::jobfile
