// When a job may be sent: a job file's optional `not_before` and `expires_at` (docs/formats.md).
// Not part of the request itself, but part of the job: it goes into the job key when given, and
// the queue keeps the job back until not_before and cancels it (note `expired`) at expires_at.
#pragma once

#include <optional>

#include "util/clock.hpp"

namespace oneall::api {

struct Schedule {
  std::optional<EpochMs> not_before;  // UTC ms; not sent before
  std::optional<EpochMs> expires_at;  // UTC ms; never sent at or after (later than not_before)

  bool operator==(const Schedule&) const = default;
};

}  // namespace oneall::api
