#include "sandbox/envelope.hpp"

#include <fmt/format.h>

#include <cstdlib>

#include "util/text.hpp"

namespace oneall::sandbox {
namespace {

constexpr std::string_view kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::string request_envelope(std::string_view resource, std::string_view date,
                             std::string_view flag, int code, std::string_view info) {
  return fmt::format(
      R"("request":{{"date":{},"resource":{},"status":{{"flag":{},"code":{},"info":{}}}}})",
      json_string(date), json_string(printable_resource(resource)), json_string(flag), code,
      json_string(info));
}

struct Names {
  std::string_view provider;
  std::string_view object;
};

Names names_of(api::Target target) {
  switch (target) {
    case api::Target::kFacebookPagePost:
      return {"facebook", "post"};
    case api::Target::kFacebookPagePicture:
      return {"facebook", "picture"};
    case api::Target::kFacebookPageVideo:
      return {"facebook", "video"};
    case api::Target::kPinterestPin:
      return {"pinterest", "pin"};
    case api::Target::kTwitterTweet:
      return {"twitter", "tweet"};
  }
  return {"unknown", "object"};  // unreachable: every Target is listed above
}

}  // namespace

std::string format_rfc2822(const std::tm& local, long utc_offset_seconds) {
  const long offset_minutes = std::labs(utc_offset_seconds) / 60;
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} {}{:02}{:02}",
                     kDays[static_cast<unsigned>(local.tm_wday) % 7], local.tm_mday,
                     kMonths[static_cast<unsigned>(local.tm_mon) % 12], local.tm_year + 1900,
                     local.tm_hour, local.tm_min, local.tm_sec, utc_offset_seconds < 0 ? '-' : '+',
                     offset_minutes / 60, offset_minutes % 60);
}

std::string rfc2822_date(std::time_t when) {
  std::tm local{};
  localtime_r(&when, &local);
  return format_rfc2822(local, local.tm_gmtoff);
}

std::string printable_resource(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(path.size());
  for (const char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte > 0x20 && byte < 0x7f) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0x0f]);
    }
  }
  return out;
}

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

std::string result_data(const Route& route, const UpdateFields& fields) {
  const auto [provider, object] = names_of(route.target);
  std::string data = fmt::format(R"({{"provider":"{}","object":"{}")", provider, object);
  if (!route.page_id.empty()) data += fmt::format(R"(,"page_id":{})", json_string(route.page_id));
  data += fmt::format(R"(,"{}_id":{})", object, json_string(route.object_id));
  if (route.target == api::Target::kPinterestPin) {
    data += fmt::format(R"(,"pin_location":{})",
                        json_string("https://www.pinterest.com/pin/" + route.object_id + "/"));
  }
  for (const UpdateField& field : fields) {
    // Field names come from update_body's fixed lists and values are compact JSON already.
    data += fmt::format(R"(,"{}_{}":{})", object, field.name, field.value_json);
  }
  return data + "}";
}

}  // namespace oneall::sandbox
