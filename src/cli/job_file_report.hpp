// `report --format jobfile` (docs/cli.md#report): the jobs a filter selects as a CSV job file
// that `validate` and `import` take as it is, each row the job's own fields read back from the
// request the queue holds (api/action_reader.hpp). The usual use: the failed and dead jobs of a
// run, fixed by hand, then imported again.
#pragma once

#include <iosfwd>

#include "store/queue.hpp"
#include "util/result.hpp"

namespace oneall::cli {

// Writes the header and one row per job, in id (file) order. A job that cannot be read back is
// an Error naming it; what was written before it is the caller's to discard.
Status write_job_file_report(store::Queue& queue, const store::JobFilter& filter,
                             std::ostream& out);

}  // namespace oneall::cli
