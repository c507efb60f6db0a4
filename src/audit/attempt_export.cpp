#include "audit/attempt_export.hpp"

#include <fmt/format.h>

#include "util/clock.hpp"
#include "util/text.hpp"

namespace oneall::audit {

std::string attempt_jsonl(const store::AttemptRow& r) {
  return fmt::format(
      R"({{"id":{},"run_id":{},"job_id":{},"attempt":{},"started_at":"{}","ended_at":"{}",)"
      R"("duration_ms":{},"method":{},"path":{},"request_body":{},"http_status":{},)"
      R"("curl_error":{},"retry_after":{},"api_flag":{},"api_code":{},"api_info":{},)"
      R"("response_body":{},"response_truncated":{},"requests_sent":{},"outcome":{},"note":{}}})",
      r.id, r.run_id, r.job_id, r.attempt, format_utc_ms(r.started_at), format_utc_ms(r.ended_at),
      r.ended_at - r.started_at, json_string(r.method), json_string(r.path),
      json_string(r.request_body), r.http_status == 0 ? "null" : std::to_string(r.http_status),
      json_string(r.curl_error), json_string(r.retry_after), json_string(r.api_flag),
      r.api_code ? std::to_string(*r.api_code) : "null", json_string(r.api_info),
      json_string(r.response_body), r.response_truncated ? "true" : "false", r.requests_sent,
      json_string(r.outcome), json_string(r.note));
}

std::string csv_cell(std::string_view text) {
  std::string cell(text);
  if (!cell.empty() && (cell[0] == '=' || cell[0] == '+' || cell[0] == '-' || cell[0] == '@' ||
                        cell[0] == '\t' || cell[0] == '\r')) {
    cell.insert(cell.begin(), '\'');
  }
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string quoted = "\"";
  for (char c : cell) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string attempt_csv_header() {
  return "id,run_id,job_id,attempt,started_at,ended_at,duration_ms,method,path,request_body,"
         "http_status,curl_error,retry_after,api_flag,api_code,api_info,response_body,"
         "response_truncated,requests_sent,outcome,note";
}

std::string attempt_csv(const store::AttemptRow& r) {
  return fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}", r.id,
                     r.run_id, r.job_id, r.attempt, format_utc_ms(r.started_at),
                     format_utc_ms(r.ended_at), r.ended_at - r.started_at, csv_cell(r.method),
                     csv_cell(r.path), csv_cell(r.request_body),
                     r.http_status == 0 ? std::string() : std::to_string(r.http_status),
                     csv_cell(r.curl_error), csv_cell(r.retry_after), csv_cell(r.api_flag),
                     r.api_code ? std::to_string(*r.api_code) : std::string(), csv_cell(r.api_info),
                     csv_cell(r.response_body), r.response_truncated ? "true" : "false",
                     r.requests_sent, csv_cell(r.outcome), csv_cell(r.note));
}

}  // namespace oneall::audit
