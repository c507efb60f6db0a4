// The lines of a prune archive (docs/formats.md#archives): JSON Lines, one object per line, in
// this order: a header, the batches the prune emptied, the jobs, the attempt rows in id order
// (each with its two hashes and every hashed value with its storage class, so the chain can be
// checked again from the archive alone), and an end line that names where the rows chain from
// and to. A file without its end line was cut short. Pure: encoding and parsing only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "store/records.hpp"
#include "util/clock.hpp"
#include "util/result.hpp"

namespace oneall::audit {

inline constexpr std::string_view kArchiveFormat = "oneall-bulk prune archive";
inline constexpr int kArchiveVersion = 1;

struct ArchiveHeader {
  std::string queue;  // where it was pruned from, as messages show it
  EpochMs created_at = 0;
  EpochMs before = 0;
};

// The end line: what the archive holds and where its rows chain from and to.
struct ArchiveEnd {
  std::string start_hash;
  std::int64_t after_attempt_id = 0;
  std::int64_t last_attempt_id = 0;
  std::string end_hash;
  std::int64_t batches = 0;
  std::int64_t jobs = 0;
  std::int64_t attempts = 0;
};

std::string header_line(const ArchiveHeader& header);
std::string batch_line(const store::BatchRecord& batch);
std::string job_line(const store::JobRecord& job);
std::string attempt_line(const store::ChainedAttempt& row);
std::string end_line(const ArchiveEnd& end);

struct BatchLine {};
struct JobLine {};
using ArchiveLine =
    std::variant<ArchiveHeader, BatchLine, JobLine, store::ChainedAttempt, ArchiveEnd>;
// One line back: an Error says what is wrong with it.
Result<ArchiveLine> parse_archive_line(std::string_view line);

}  // namespace oneall::audit
