// Job file text for black-box tests: one YAML job under a default identity, or one CSV row under
// the full header, so a table of bad inputs shows only what differs.
#pragma once

#include <string>

namespace oneall::testing {

inline constexpr const char* kTestIdentity = "2af20011-8965-471b-8f6b-8b66a611aae6";

// "defaults:\n  identity: <kTestIdentity>\njobs:\n  - <job>\n": the job is on line 4.
std::string yaml_job(const std::string& job);

// The CSV header with every column: op,target,identity,page_id,object_id,board,description,link,
// message.
extern const std::string kCsvHead;

// kCsvHead, then `cells` as line 2.
std::string csv_row(const std::string& cells);

}  // namespace oneall::testing
