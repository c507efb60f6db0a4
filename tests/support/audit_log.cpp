#include "support/audit_log.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <ctime>
#include <sstream>

#include "support/process.hpp"

namespace oneall::testing {
namespace {

// "2023-11-14T22:13:20.250Z" to Unix ms; -1 when it is not that shape.
std::int64_t unix_ms(std::string_view text) {
  std::tm tm{};
  int ms = 0;
  const std::string copy(text);
  if (copy.size() != 24 ||
      std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year, &tm.tm_mon,
                  &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms) != 7) {
    return -1;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<std::int64_t>(timegm(&tm)) * 1000 + ms;
}

std::string text_of(simdjson::dom::element row, const char* key) {
  std::string_view value;
  return row[key].get_string().get(value) == simdjson::SUCCESS ? std::string(value) : "";
}

}  // namespace

std::vector<AuditAttempt> audit_attempts(const std::string& db) {
  const auto audit = run_oneall({"audit", "--format", "jsonl", "--db", db});
  EXPECT_EQ(audit.exit_code, 0) << audit.err;
  std::vector<AuditAttempt> rows;
  simdjson::dom::parser parser;
  std::istringstream lines(audit.out);
  std::string line;
  while (std::getline(lines, line)) {
    simdjson::dom::element row;
    if (parser.parse(line).get(row) != simdjson::SUCCESS) {
      ADD_FAILURE() << "audit --format jsonl printed a line that is not JSON: " << line;
      continue;
    }
    AuditAttempt a;
    a.id = row["id"].get_int64().value();
    a.run_id = row["run_id"].get_int64().value();
    a.job_id = row["job_id"].get_int64().value();
    a.attempt = row["attempt"].get_int64().value();
    a.started_ms = unix_ms(text_of(row, "started_at"));
    a.ended_ms = unix_ms(text_of(row, "ended_at"));
    EXPECT_GT(a.started_ms, 0) << line;
    EXPECT_GE(a.ended_ms, a.started_ms) << line;
    a.method = text_of(row, "method");
    a.path = text_of(row, "path");
    a.request_body = text_of(row, "request_body");
    std::int64_t status = 0;
    if (row["http_status"].get_int64().get(status) == simdjson::SUCCESS) a.http_status = status;
    a.retry_after = text_of(row, "retry_after");
    a.outcome = text_of(row, "outcome");
    a.note = text_of(row, "note");
    rows.push_back(std::move(a));
  }
  return rows;
}

std::map<std::string, std::vector<AuditAttempt>> attempts_by_path(
    const std::vector<AuditAttempt>& rows) {
  std::map<std::string, std::vector<AuditAttempt>> by_path;
  for (const AuditAttempt& row : rows) by_path[row.path].push_back(row);
  return by_path;
}

}  // namespace oneall::testing
