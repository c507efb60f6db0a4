// A picture id, as a post's `attachments` list names it. The Update API sends and documents
// these as JSON numbers (`"attachments": [1234567890]`), and real ids exceed 2^53, so an id is
// kept as an integer and rendered as a JSON number with exactly the digits the job file gave.
// The only way to make one is parse(), which accepts the canonical decimal form only (see
// docs/formats.md): a body built from PictureIds cannot hold a number that is not valid JSON,
// nor one that a receiver could read as another id.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace oneall::api {

class PictureId {
 public:
  // The largest id: a JSON number up to here is read exactly by every int64 parser (simdjson,
  // PHP, Java, SQLite), where one past it may silently become a float.
  static constexpr std::uint64_t kMax = 9'223'372'036'854'775'807ULL;  // 2^63 - 1

  // `text` as written in a job file: 1 to 19 ASCII digits, no leading zero, at most kMax.
  // Anything else (a sign, a point, an exponent, spaces, letters, "0", "0202") is an Error
  // whose message says what is wrong and what is expected, without a file position.
  static Result<PictureId> parse(std::string_view text);

  std::uint64_t value() const { return value_; }
  // The decimal digits, as they were written and as they are sent.
  std::string digits() const { return std::to_string(value_); }

  bool operator==(const PictureId&) const = default;

 private:
  explicit PictureId(std::uint64_t value) : value_(value) {}

  std::uint64_t value_;
};

}  // namespace oneall::api
