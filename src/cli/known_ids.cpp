#include "cli/known_ids.hpp"

#include <fmt/format.h>

#include <ostream>

#include "cli/exit_codes.hpp"

namespace oneall::cli {

std::optional<int> refuse_unknown_ids(store::Queue& queue, const store::JobFilter& filter,
                                      std::string_view command, std::ostream& err) {
  struct Named {
    const std::optional<std::int64_t>& id;
    const char* what;
    Result<bool> (store::Queue::*has)(std::int64_t);
    const char* lister;  // what shows the ids there are
  };
  for (const Named& named : {Named{filter.batch_id, "batch", &store::Queue::has_batch,
                                   "`oneall-bulk status` lists the batches"},
                             Named{filter.job_id, "job", &store::Queue::has_job,
                                   "`oneall-bulk report` lists the jobs"}}) {
    if (!named.id) continue;
    Result<bool> known = (queue.*named.has)(*named.id);
    if (!known) {
      err << known.error().message << '\n';
      return kExitStorage;
    }
    if (!*known) {
      err << fmt::format("{}: {} {} is not in {}; {}\n", command, named.what, *named.id,
                         queue.path(), named.lister);
      return kExitUsage;
    }
  }
  return std::nullopt;
}

}  // namespace oneall::cli
