// The compact stored forms of the job key and the object key (schema version 4).
#include "store/job_keys.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <vector>

#include "util/sha256.hpp"

namespace oneall::store {
namespace {

std::string hex_pair(unsigned char byte) {
  static constexpr char kHex[] = "0123456789abcdef";
  return {kHex[byte >> 4], kHex[byte & 0x0f]};
}

TEST(StoredJobKey, IsTheFirstSixteenBytesOfTheHexDigest) {
  const std::string hex = sha256_hex("delete\nDELETE\n/p\n");
  const std::string key = stored_job_key(hex);
  ASSERT_EQ(key.size(), kStoredJobKeyBytes);
  std::string back;
  for (unsigned char byte : key) back += hex_pair(byte);
  EXPECT_EQ(back, hex.substr(0, 32));
}

TEST(StoredJobKey, UppercaseDigitsGiveTheSameKey) {
  const std::string hex = sha256_hex("x");
  std::string upper = hex;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(stored_job_key(upper), stored_job_key(hex));
}

TEST(StoredJobKey, SomethingElseIsHashedIntoAKeyOfTheSameSize) {
  for (const std::string& odd :
       std::vector<std::string>{"", "k", std::string(64, 'g'), std::string(63, 'a')}) {
    EXPECT_EQ(stored_job_key(odd).size(), kStoredJobKeyBytes) << odd;
    EXPECT_EQ(stored_job_key(odd), stored_job_key(sha256_hex(odd))) << odd;
  }
  EXPECT_NE(stored_job_key("k"), stored_job_key("l"));
}

// The hash is stored: it must never change between versions. FNV-1a 64 reference values.
TEST(ObjectHash, IsFnv1a64) {
  EXPECT_EQ(static_cast<std::uint64_t>(object_hash("")), 0xcbf29ce484222325ULL);
  EXPECT_EQ(static_cast<std::uint64_t>(object_hash("a")), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(static_cast<std::uint64_t>(object_hash("foobar")), 0x85944171f73967e8ULL);
}

TEST(ObjectHash, TellsObjectsApart) {
  EXPECT_NE(object_hash("i|pinterest.pin||1"), object_hash("i|pinterest.pin||2"));
  EXPECT_NE(object_hash("i|pinterest.pin||1"), object_hash("i|twitter.tweet||1"));
}

// The import's own hashing (one Sha256 for all rows) gives the key api::job_key's hex stands
// for, row after row.
TEST(StoredJobKey, AnImportsHasherGivesTheKeyOfTheHexDigest) {
  Sha256 hasher;
  for (const char* id : {"1", "2", "352969689546669253"}) {
    api::Action action;
    action.op = api::Op::kDelete;
    action.target = api::Target::kPinterestPin;
    action.identity = "2af20011-8965-471b-8f6b-8b66a611aae6";
    action.object_id = id;
    const api::HttpRequest request = *api::render(action);
    EXPECT_EQ(stored_job_key(hasher, action, request),
              stored_job_key(api::job_key(action, request)))
        << id;
  }
}

}  // namespace
}  // namespace oneall::store
