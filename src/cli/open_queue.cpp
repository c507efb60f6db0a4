#include "cli/open_queue.hpp"

#include <fmt/format.h>

#include <ostream>

#include "cli/exit_codes.hpp"
#include "store/queue_location.hpp"
#include "util/text.hpp"

namespace oneall::cli {
namespace {

std::string where_from(const GlobalOptions& global) {
  switch (global.db_source) {
    case DbSource::kOption:
      return "--db";
    case DbSource::kEnvironment:
      return "ONEALL_BULK_DB";
    case DbSource::kSandboxDefault:
      return "the default of run --sandbox";
    case DbSource::kDefault:
      break;
  }
  return "the default";
}

// Why a queue that a command must not create is missing, and where to look instead.
std::string missing_queue_message(const GlobalOptions& global) {
  std::string message = fmt::format("there is no queue at {} ({})", shown_db(global),
                                    where_from(global));
  if (global.db_source == DbSource::kDefault) {
    message += fmt::format(
        ": name the queue with --db PATH or ONEALL_BULK_DB; `import` and `run` create one. "
        "Rehearsals (`run --sandbox`) keep theirs in {}",
        kSandboxDb);
  } else if (auto location = store::parse_queue_location(global.db);
             location && location->kind == store::QueueLocation::Kind::kPostgres) {
    message += ": the database holds no oneall-bulk queue; check the URI; only `import` and "
               "`run` create a queue";
  } else {
    message += ": check the path; only `import` and `run` create a queue";
  }
  return message;
}

}  // namespace

std::string shown_db(const GlobalOptions& global) { return store::shown_location(global.db); }

int check_queue_location(const GlobalOptions& global, std::ostream& err) {
  auto location = store::parse_queue_location(global.db);
  if (location) return kExitOk;
  err << "--db " << location.error().message << '\n';
  return kExitUsage;
}

OpenedQueue open_queue(const GlobalOptions& global, const Clock& clock, std::ostream& err,
                       store::QueueOpen how) {
  if (int malformed = check_queue_location(global, err); malformed != kExitOk) {
    return {nullptr, malformed};
  }
  if (how == store::QueueOpen::kExistingOnly) {
    auto exists = store::Queue::exists(global.db);
    if (!exists) {
      err << exists.error().message << '\n';
      return {nullptr, kExitStorage};
    }
    if (!*exists) {
      err << missing_queue_message(global) << '\n';
      return {nullptr, kExitUsage};
    }
  }
  auto queue = store::Queue::open(global.db, clock, how);
  if (!queue) {
    err << queue.error().message << '\n';
    return {nullptr, kExitStorage};
  }
  return {std::move(queue).value(), kExitOk};
}

std::string queue_line(const GlobalOptions& global, const store::Queue& queue) {
  return fmt::format("queue: {} ({}{})", shown_db(global), where_from(global),
                     queue.created_now() ? ", created now" : "");
}

std::string with_queue_field(const GlobalOptions& global, std::string_view object) {
  // Every caller passes an object it formatted itself: "{" then members, or "{}".
  const std::string_view members = object.substr(1);
  return fmt::format("{{\"queue\":{}{}{}", json_string(shown_db(global)),
                     members.front() == '}' ? "" : ",", members);
}

}  // namespace oneall::cli
