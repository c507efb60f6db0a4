#include "support/job_text.hpp"

#include <fmt/format.h>

namespace oneall::testing {

const std::string kCsvHead =
    "op,target,identity,page_id,object_id,board,description,link,message\n";

std::string yaml_job(const std::string& job) {
  return fmt::format("defaults:\n  identity: {}\njobs:\n  - {}\n", kTestIdentity, job);
}

std::string csv_row(const std::string& cells) { return kCsvHead + cells + "\n"; }

}  // namespace oneall::testing
