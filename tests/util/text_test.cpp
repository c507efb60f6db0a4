#include "util/text.hpp"

#include <gtest/gtest.h>

#include "util/clock.hpp"
#include "util/sha256.hpp"

namespace oneall {
namespace {

TEST(JsonString, EscapesQuotesBackslashesAndControlBytes) {
  EXPECT_EQ(json_string("plain"), "\"plain\"");
  EXPECT_EQ(json_string("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(json_string("l1\nl2\t\r"), R"("l1\nl2\t\r")");
  EXPECT_EQ(json_string(std::string_view("\x01\x1f\x7f", 3)), R"("\u0001\u001f\u007f")");
  EXPECT_EQ(json_string("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
}

TEST(IsValidUtf8, AcceptsWellFormedText) {
  for (const char* good : {"", "ascii", "caf\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80"}) {
    EXPECT_TRUE(is_valid_utf8(good)) << good;
  }
}

TEST(IsValidUtf8, RefusesMalformedSequences) {
  for (const char* bad : {"\xc3", "\x80", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80",
                          "\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80", "\xe2\x82"}) {
    EXPECT_FALSE(is_valid_utf8(bad)) << bad;
  }
}

TEST(TrimHttpWhitespace, DropsSpacesTabsAndLineEndsAroundTheValueOnly) {
  EXPECT_EQ(trim_http_whitespace(" \t120 \r\n"), "120");
  EXPECT_EQ(trim_http_whitespace("Wed, 21 Oct 2015 07:28:00 GMT\r\n"),
            "Wed, 21 Oct 2015 07:28:00 GMT");
  EXPECT_EQ(trim_http_whitespace(" \r\n"), "");
  EXPECT_EQ(trim_http_whitespace(""), "");
}

TEST(Sha256, MatchesTheKnownDigest) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// One hasher digests string after string: each digest starts afresh (FIPS 180-2 vectors).
TEST(Sha256, AReusedHasherDigestsEachInputAlone) {
  Sha256 hasher;
  const std::string million(1'000'000, 'a');
  EXPECT_EQ(hasher.hex(million),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  EXPECT_EQ(hasher.hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hasher.hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hasher.hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(FormatUtcMs, PrintsIso8601WithMilliseconds) {
  EXPECT_EQ(format_utc_ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_utc_ms(1'700'000'000'123), "2023-11-14T22:13:20.123Z");
}

}  // namespace
}  // namespace oneall

namespace oneall {
namespace {

TEST(FirstInvalidUtf8, PointsAtTheByteThatStartsTheBadSequence) {
  EXPECT_EQ(first_invalid_utf8("plain"), 5u);
  EXPECT_EQ(first_invalid_utf8("caf\xc3\xa9"), 5u);
  EXPECT_EQ(first_invalid_utf8("caf\xe9"), 3u);        // Latin-1 é
  EXPECT_EQ(first_invalid_utf8("ab\xc0\xaf"), 2u);     // overlong '/'
  EXPECT_EQ(first_invalid_utf8("x\xed\xa0\x80"), 1u);  // surrogate
  EXPECT_EQ(first_invalid_utf8("\xe2\x82"), 0u);       // cut short
}

}  // namespace
}  // namespace oneall
