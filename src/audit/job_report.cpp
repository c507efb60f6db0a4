#include "audit/job_report.hpp"

#include <fmt/format.h>

#include "audit/attempt_export.hpp"
#include "util/clock.hpp"
#include "util/text.hpp"

namespace oneall::audit {

std::string job_report_jsonl(const store::JobReportRow& r) {
  return fmt::format(
      R"({{"id":{},"batch_id":{},"source":{},"op":{},"target":{},"identity":{},"page_id":{},)"
      R"("object_id":{},"state":{},"attempts":{},"last_http_status":{},"last_outcome":{},)"
      R"("note":{},"updated_at":"{}"}})",
      r.job_id, r.batch_id, json_string(r.source), json_string(r.op), json_string(r.target),
      json_string(r.identity), json_string(r.page_id), json_string(r.object_id),
      json_string(store::state_name(r.state)), r.attempts,
      r.last_http_status ? std::to_string(*r.last_http_status) : "null",
      r.last_outcome.empty() ? "null" : json_string(r.last_outcome), json_string(r.note),
      format_utc_ms(r.updated_at));
}

std::string job_report_csv_header() {
  return "id,batch_id,source,op,target,identity,page_id,object_id,state,attempts,"
         "last_http_status,last_outcome,note,updated_at";
}

std::string job_report_csv(const store::JobReportRow& r) {
  return fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{}", r.job_id, r.batch_id,
                     csv_cell(r.source), csv_cell(r.op), csv_cell(r.target), csv_cell(r.identity),
                     csv_cell(r.page_id), csv_cell(r.object_id), store::state_name(r.state),
                     r.attempts,
                     r.last_http_status ? std::to_string(*r.last_http_status) : std::string(),
                     csv_cell(r.last_outcome), csv_cell(r.note), format_utc_ms(r.updated_at));
}

}  // namespace oneall::audit
