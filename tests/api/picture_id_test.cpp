// What a picture id is (docs/formats.md): the canonical decimal digits of 1 .. 2^63-1, nothing
// else. Each refusal says what is wrong and what is expected.
#include "api/picture_id.hpp"

#include <gtest/gtest.h>

#include <string>

namespace oneall::api {
namespace {

TEST(PictureId, AcceptsCanonicalDigitsUpToTwoToThe63MinusOne) {
  struct Case {
    std::string text;
    std::uint64_t value;
  };
  const Case cases[] = {
      {"1", 1},
      {"101", 101},
      {"1234567890", 1234567890},
      {"9007199254740993", 9007199254740993ULL},  // 2^53 + 1: a double would round it
      {"9223372036854775807", 9223372036854775807ULL},
  };
  for (const auto& c : cases) {
    auto id = PictureId::parse(c.text);
    ASSERT_TRUE(id.ok()) << c.text << ": " << id.error().message;
    EXPECT_EQ(id->value(), c.value) << c.text;
    EXPECT_EQ(id->digits(), c.text);
  }
}

TEST(PictureId, RefusesEveryOtherSpellingWithTheReason) {
  struct Case {
    std::string text;
    std::string says;
  };
  const Case cases[] = {
      {"", "is empty"},
      {"0", "'0' starts with 0"},
      {"0202", "'0202' starts with 0, which YAML tools read as octal or as decimal"},
      {"00", "starts with 0"},
      {"-1", "holds '-'"},
      {"+1", "holds '+'"},
      {"1.0", "holds '.'"},
      {"1e3", "holds 'e'"},
      {"0x1F", "holds 'x'"},
      {"1_000", "holds '_'"},
      {" 1", "holds a space"},
      {"1\n", "the picture id holds byte 0x0a"},
      {"pic_2", "holds 'p'"},
      {"yes", "holds 'y'"},
      {"\xef\xbc\x91", "holds byte 0xef"},  // a fullwidth digit one
      {"9223372036854775808", "'9223372036854775808' is larger than 9223372036854775807"},
      {"18446744073709551616", "is larger than"},
      {std::string(400, '9'), "the picture id is larger than"},
  };
  for (const auto& c : cases) {
    auto id = PictureId::parse(c.text);
    ASSERT_FALSE(id.ok()) << c.text;
    EXPECT_NE(id.error().message.find(c.says), std::string::npos)
        << c.text << ": " << id.error().message;
    EXPECT_NE(id.error().message.find("expected a picture id: digits without a leading zero"),
              std::string::npos)
        << id.error().message;
  }
}

}  // namespace
}  // namespace oneall::api
