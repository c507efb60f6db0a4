// The header row of a CSV job file: which job field each column holds. Checks the header
// against the known columns (docs/formats.md): unknown and duplicate columns are errors naming the
// column, and op, target, object_id (and identity, unless --identity gives one) must be there.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jobfile/diagnostic_list.hpp"
#include "jobfile/reader.hpp"

namespace oneall::jobfile {

enum class CsvColumn {
  kOp,
  kTarget,
  kIdentity,
  kPageId,
  kObjectId,
  kBoard,
  kDescription,
  kLink,
  kMessage,
  kAttachments,
  kNotBefore,
  kExpiresAt,
};
inline constexpr std::size_t kCsvColumnCount = 12;

std::string_view column_name(CsvColumn column);
std::optional<CsvColumn> parse_column(std::string_view name);

class CsvHeader {
 public:
  // Reports every problem of the header row at `line`; nullopt when there was any.
  static std::optional<CsvHeader> parse(const std::vector<std::string>& cells,
                                        std::size_t cell_count, std::size_t line,
                                        const ReadOptions& options, DiagnosticList& out);

  std::size_t width() const { return width_; }
  // The cell index of a column, when the header has it.
  std::optional<std::size_t> index(CsvColumn column) const {
    return index_[static_cast<std::size_t>(column)];
  }

 private:
  std::size_t width_ = 0;
  std::array<std::optional<std::size_t>, kCsvColumnCount> index_{};
};

}  // namespace oneall::jobfile
