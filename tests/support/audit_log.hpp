// The attempt log as `oneall-bulk audit --format jsonl` prints it, read through the real binary
// into rows, for end-to-end tests that check what was sent when: order per object, waits
// between attempts, rates per identity.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace oneall::testing {

struct AuditAttempt {
  std::int64_t id = 0;
  std::int64_t run_id = 0;
  std::int64_t job_id = 0;
  std::int64_t attempt = 0;
  std::int64_t started_ms = 0;  // Unix ms, from the row's started_at
  std::int64_t ended_ms = 0;
  std::string method;
  std::string path;
  std::string request_body;
  std::int64_t http_status = 0;  // 0: no answer
  std::string retry_after;
  std::string outcome;
  std::string note;
};

// Runs `audit --format jsonl --db db`; a failure or a line that is not such a row fails the
// test. Rows come in log order.
std::vector<AuditAttempt> audit_attempts(const std::string& db);

// The rows grouped by request path (one object each), each group in log order.
std::map<std::string, std::vector<AuditAttempt>> attempts_by_path(
    const std::vector<AuditAttempt>& rows);

}  // namespace oneall::testing
