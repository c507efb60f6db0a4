#include "sandbox/envelope.hpp"

#include <fmt/format.h>

#include "util/text.hpp"

namespace oneall::sandbox {

std::string rfc2822_date(std::time_t when) {
  std::tm tm{};
  gmtime_r(&when, &tm);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buffer;
}

namespace {

std::string request_envelope(std::string_view resource, std::string_view date,
                             std::string_view flag, int code, std::string_view info) {
  return fmt::format(
      R"("request":{{"date":{},"resource":{},"status":{{"flag":{},"code":{},"info":{}}}}})",
      json_string(date), json_string(resource), json_string(flag), code, json_string(info));
}

}  // namespace

std::string success_body(std::string_view resource, std::string_view date,
                         std::string_view data_json) {
  return fmt::format(R"({{"response":{{{},"result":{{"data":{}}}}}}})",
                     request_envelope(resource, date, "success", 200,
                                      "Your request has been processed successfully"),
                     data_json);
}

std::string error_body(std::string_view resource, std::string_view date, int code,
                       std::string_view info) {
  return fmt::format(R"({{"response":{{{}}}}})",
                     request_envelope(resource, date, "error", code, info));
}

std::string result_data(const Route& route, std::string_view fields_json) {
  std::string_view provider = "facebook";
  std::string_view object = "post";
  switch (route.target) {
    case api::Target::kFacebookPagePost:
      break;
    case api::Target::kFacebookPagePicture:
      object = "picture";
      break;
    case api::Target::kFacebookPageVideo:
      object = "video";
      break;
    case api::Target::kPinterestPin:
      provider = "pinterest";
      object = "pin";
      break;
    case api::Target::kTwitterTweet:
      provider = "twitter";
      object = "tweet";
      break;
  }
  std::string data = fmt::format(R"({{"provider":"{}","object":"{}","{}_id":{})", provider, object,
                                 object, json_string(route.object_id));
  if (!route.page_id.empty()) data += fmt::format(R"(,"page_id":{})", json_string(route.page_id));
  if (!fields_json.empty()) data += fmt::format(R"(,"updated":{})", fields_json);
  return data + "}";
}

}  // namespace oneall::sandbox
