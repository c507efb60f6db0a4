// Answer bodies: the response.request envelope (docs/api.md#responses: date, resource, status), the
// result.data of a success, no result on an error, and JSON that stays valid whatever text
// goes into it.
#include "sandbox/envelope.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <regex>

namespace oneall::sandbox {
namespace {

const std::string kBase = "/update/identities/2af20011-8965-471b-8f6b-8b66a611aae6";
constexpr std::string_view kDate = "Mon, 04 Nov 2019 16:12:58 +0100";

std::tm broken_down(int year, int month, int day, int hour, int minute, int second, int wday) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  tm.tm_wday = wday;
  return tm;
}

TEST(Rfc2822Date, FormatsLikeOneAll) {
  struct Case {
    std::tm tm;
    long offset;
    std::string expected;
  };
  const Case cases[] = {
      {broken_down(2019, 11, 4, 16, 12, 58, 1), 3600, "Mon, 04 Nov 2019 16:12:58 +0100"},
      {broken_down(2018, 5, 2, 16, 32, 45, 3), 7200, "Wed, 02 May 2018 16:32:45 +0200"},
      {broken_down(2026, 1, 1, 0, 0, 0, 4), 0, "Thu, 01 Jan 2026 00:00:00 +0000"},
      {broken_down(2026, 12, 31, 23, 59, 59, 6), -12600, "Sat, 31 Dec 2026 23:59:59 -0330"},
      {broken_down(2024, 2, 29, 9, 5, 7, 0), 19800, "Sun, 29 Feb 2024 09:05:07 +0530"},
  };
  for (const auto& c : cases) EXPECT_EQ(format_rfc2822(c.tm, c.offset), c.expected);
}

// Whatever the machine's time zone: the local time written, minus its offset, is the instant.
TEST(Rfc2822Date, WritesTheLocalTimeWithItsOffset) {
  const std::regex shape(
      R"(^(Sun|Mon|Tue|Wed|Thu|Fri|Sat), (\d\d) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)$)");
  const std::string months = "JanFebMarAprMayJunJulAugSepOctNovDec";
  for (const std::time_t when :
       {std::time_t{0}, std::time_t{1572880378}, std::time_t{1798761599}, std::time(nullptr)}) {
    const std::string date = rfc2822_date(when);
    std::smatch m;
    ASSERT_TRUE(std::regex_match(date, m, shape)) << date;
    std::tm tm{};
    tm.tm_mday = std::stoi(m[2]);
    tm.tm_mon = static_cast<int>(months.find(m[3].str()) / 3);
    tm.tm_year = std::stoi(m[4]) - 1900;
    tm.tm_hour = std::stoi(m[5]);
    tm.tm_min = std::stoi(m[6]);
    tm.tm_sec = std::stoi(m[7]);
    const long offset = (m[8] == "-" ? -1 : 1) * (std::stol(m[9]) * 3600 + std::stol(m[10]) * 60);
    EXPECT_EQ(timegm(&tm) - offset, when) << date;
  }
}

TEST(PrintableResource, PercentEncodesWhatIsNotPrintableAscii) {
  const std::pair<std::string, std::string> cases[] = {
      {kBase + "/twitter/post/1.json", kBase + "/twitter/post/1.json"},
      {"/a%2Fb", "/a%2Fb"},
      {"/a b", "/a%20b"},
      {"/\xc3\xa9", "/%C3%A9"},
      {"/\xff\x01\x7f", "/%FF%01%7F"},
      {"/\"q\"\\", "/\"q\"\\"},  // printable: JSON escaping takes care of these
      {"", ""},
  };
  for (const auto& [path, expected] : cases) EXPECT_EQ(printable_resource(path), expected);
}

TEST(SuccessBody, IsTheDocumentedEnvelopeWithData) {
  const std::string body = success_body(kBase + "/twitter/post/1.json", kDate, R"({"a":1})");
  EXPECT_EQ(body,
            R"({"response":{"request":{"date":"Mon, 04 Nov 2019 16:12:58 +0100","resource":")" +
                kBase +
                R"(/twitter/post/1.json","status":{"flag":"success","code":200,"info":"Your )"
                R"(request has been processed successfully"}},"result":{"data":{"a":1}}}})");
}

TEST(ErrorBody, KeepsTheRequestEnvelopeAndHasNoResult) {
  for (const int code : {400, 401, 404, 405, 413}) {
    const std::string body = error_body("/x", kDate, code, "what went wrong");
    simdjson::dom::parser parser;
    simdjson::dom::element response;
    ASSERT_EQ(parser.parse(body)["response"].get(response), simdjson::SUCCESS) << body;
    EXPECT_EQ(response["request"]["status"]["flag"].get_string().value(), "error");
    EXPECT_EQ(response["request"]["status"]["code"].get_int64().value(), code);
    EXPECT_EQ(response["request"]["status"]["info"].get_string().value(), "what went wrong");
    EXPECT_EQ(response["request"]["date"].get_string().value(), kDate);
    EXPECT_EQ(response["request"]["resource"].get_string().value(), "/x");
    EXPECT_EQ(response["result"].error(), simdjson::NO_SUCH_FIELD) << body;
  }
}

TEST(ErrorBody, StaysValidJsonWhateverTheText) {
  const std::pair<std::string, std::string> cases[] = {
      // resource as given, resource as echoed, info
      {"/a\"b\\c", "/a\"b\\c"},
      {"/a\nb\tc\x01", "/a%0Ab%09c%01"},
      {"/\xe9t\xe9", "/%E9t%E9"},  // not UTF-8
  };
  const std::string info = "quote \" backslash \\ newline \n tab \t bell \x07 é";
  for (const auto& [resource, echoed] : cases) {
    const std::string body = error_body(resource, kDate, 400, info);
    simdjson::dom::parser parser;
    simdjson::dom::element request;
    ASSERT_EQ(parser.parse(body)["response"]["request"].get(request), simdjson::SUCCESS) << body;
    EXPECT_EQ(request["resource"].get_string().value(), echoed);
    EXPECT_EQ(request["status"]["info"].get_string().value(), info);
  }
}

Route route_of(const std::string& path) {
  const RouteMatch match = match_route(path);
  EXPECT_TRUE(std::holds_alternative<Route>(match)) << path;
  return std::holds_alternative<Route>(match) ? std::get<Route>(match) : Route{};
}

TEST(ResultData, FollowsTheDocumentedPattern) {
  struct Case {
    std::string path;
    UpdateFields fields;
    std::string expected;
  };
  const Case cases[] = {
      {kBase + "/pinterest/pin/352969689546669253.json",
       {{"description", R"("Photo")"}, {"link", R"("https://x/")"}},
       R"({"provider":"pinterest","object":"pin","pin_id":"352969689546669253",)"
       R"("pin_location":"https://www.pinterest.com/pin/352969689546669253/",)"
       R"("pin_description":"Photo","pin_link":"https://x/"})"},
      {kBase + "/pinterest/pin/7.json",
       {},
       R"({"provider":"pinterest","object":"pin","pin_id":"7",)"
       R"("pin_location":"https://www.pinterest.com/pin/7/"})"},
      {kBase + "/facebook/page/12/post/12_34.json",
       {{"message", R"("Hi")"}, {"attachments", "[1,2]"}},
       R"({"provider":"facebook","object":"post","page_id":"12","post_id":"12_34",)"
       R"("post_message":"Hi","post_attachments":[1,2]})"},
      {kBase + "/facebook/page/12/picture/5.json",
       {},
       R"({"provider":"facebook","object":"picture","page_id":"12","picture_id":"5"})"},
      {kBase + "/facebook/page/12/video/6.json",
       {},
       R"({"provider":"facebook","object":"video","page_id":"12","video_id":"6"})"},
      {kBase + "/twitter/post/1456789.json",
       {},
       R"({"provider":"twitter","object":"tweet","tweet_id":"1456789"})"},
  };
  for (const auto& c : cases) {
    const std::string data = result_data(route_of(c.path), c.fields);
    EXPECT_EQ(data, c.expected);
    simdjson::dom::parser parser;
    EXPECT_EQ(parser.parse(data).error(), simdjson::SUCCESS) << data;
  }
}

}  // namespace
}  // namespace oneall::sandbox
