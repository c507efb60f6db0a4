// schema/jobfile.schema.json (for editors) must describe what the reader accepts: the same job
// keys, `set` keys and targets. And every sample under jobs/examples/ passes the reader itself.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <set>
#include <string>

#include "api/picture_id.hpp"
#include "api/target.hpp"
#include "read_helpers.hpp"

namespace oneall::jobfile {
namespace {

const std::string kSource = ONEALL_SOURCE_DIR;

std::set<std::string> keys_of(simdjson::dom::object object) {
  std::set<std::string> keys;
  for (auto field : object) keys.insert(std::string(field.key));
  return keys;
}

std::set<std::string> strings_of(simdjson::dom::array array) {
  std::set<std::string> values;
  for (auto value : array) values.insert(std::string(std::string_view(value.get_string())));
  return values;
}

TEST(JobFileSchemaTest, NamesTheKeysAndTargetsTheReaderKnows) {
  simdjson::dom::parser parser;
  simdjson::dom::element schema;
  ASSERT_EQ(parser.load(kSource + "/schema/jobfile.schema.json").get(schema), simdjson::SUCCESS);
  EXPECT_EQ(std::string_view(schema["$schema"].get_string()),
            "https://json-schema.org/draft/2020-12/schema");
  EXPECT_EQ(keys_of(schema["properties"].get_object()),
            (std::set<std::string>{"defaults", "jobs"}));

  const auto fields = schema["$defs"]["fields"]["properties"];
  EXPECT_EQ(keys_of(fields.get_object()),
            (std::set<std::string>{"op", "target", "identity", "page_id", "object_id", "set",
                                   "not_before", "expires_at"}));
  EXPECT_EQ(strings_of(fields["op"]["enum"].get_array()),
            (std::set<std::string>{"update", "delete"}));
  std::set<std::string> targets;
  for (const api::TargetInfo& info : api::all_targets()) targets.insert(std::string(info.name));
  EXPECT_EQ(strings_of(fields["target"]["enum"].get_array()), targets);
  EXPECT_EQ(keys_of(schema["$defs"]["set"]["properties"].get_object()),
            (std::set<std::string>{"board", "description", "link", "message", "attachments"}));
}

// An editor checking a file with the schema sees the reader's rule for picture ids: digits
// without a leading zero as text, 1 .. 2^63-1 as a number. (19-digit text past 2^63-1 is left
// to validate: a pattern for it would be unreadable.) The pattern is compared as text, not run:
// std::regex does not build under -Werror with ASan on g++ 12.
TEST(JobFileSchemaTest, PictureIdsFollowTheReadersRule) {
  simdjson::dom::parser parser;
  simdjson::dom::element schema;
  ASSERT_EQ(parser.load(kSource + "/schema/jobfile.schema.json").get(schema), simdjson::SUCCESS);
  EXPECT_EQ(std::string_view(
                schema["$defs"]["set"]["properties"]["attachments"]["items"]["$ref"].get_string()),
            "#/$defs/picture_id");
  const auto forms = schema["$defs"]["picture_id"]["anyOf"].get_array();
  ASSERT_EQ(forms.size(), 2u);
  EXPECT_EQ(std::string_view(forms.at(0)["pattern"].get_string()), "^[1-9][0-9]{0,18}$");
  EXPECT_EQ(forms.at(1)["minimum"].get_int64().value(), 1);
  EXPECT_EQ(forms.at(1)["maximum"].get_int64().value(),
            static_cast<std::int64_t>(api::PictureId::kMax));
}

TEST(ExamplesTest, EverySampleFilePassesTheReader) {
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kSource + "/jobs/examples")) {
    if (!format_for_path(entry.path().string())) continue;
    ++files;
    const auto result = testing::read(entry.path().string());
    EXPECT_TRUE(result.diagnostics.empty()) << entry.path() << '\n' << result.all_messages();
    EXPECT_FALSE(result.records.empty()) << entry.path();
  }
  EXPECT_GE(files, 2u);
}

}  // namespace
}  // namespace oneall::jobfile
