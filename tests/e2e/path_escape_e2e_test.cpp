// Path escapes through the real binary (docs/api.md#ids, issue 7): page and object ids that try to
// reach another resource — `../`, `..`, `%2F`, `?`, `#`, unicode slashes, NUL, backslash,
// spaces, control bytes — in YAML and in CSV, each refused at validation: exit 2, the field
// named with what it holds, and nothing queued.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "support/job_text.hpp"
#include "support/process.hpp"
#include "support/queue_states.hpp"
#include "support/temp_dir.hpp"

namespace oneall {
namespace {

using testing::csv_row;
using testing::kTestIdentity;
using testing::queue_states;
using testing::run_oneall;
using testing::TempDir;
using testing::yaml_job;

struct Escape {
  const char* name;
  std::string id;    // raw bytes
  const char* says;  // part of the message
};

std::vector<Escape> escapes() {
  using namespace std::string_literals;
  return {
      {"dotdot_slash", "../x", "holds '/'"},
      {"dotdot", "..", "must not be '.' or '..'"},
      {"dot", ".", "must not be '.' or '..'"},
      {"deep_dotdot", "1/../../../identities", "holds '/'"},
      {"percent_encoded_slash", "..%2F..%2Fx", "holds '%'"},
      {"query", "1?x=2", "holds '?'"},
      {"fragment", "1#2", "holds '#'"},
      {"division_slash_u2215",
       "a\xe2\x88\x95"
       "b",
       "holds byte 0xe2"},
      {"fullwidth_slash_uff0f",
       "a\xef\xbc\x8f"
       "b",
       "holds byte 0xef"},
      {"fraction_slash_u2044",
       "a\xe2\x81\x84"
       "b",
       "holds byte 0xe2"},
      {"nul",
       "1\0"
       "2"s,
       "holds byte 0x00"},
      {"backslash", "..\\x", "holds '\\'"},
      {"space", "1 2", "holds a space"},
      {"tab", "1\t2", "holds byte 0x09"},
      {"escape_byte", "1\x1b[2J", "holds byte 0x1b"},
      {"delete_byte", "1\x7f", "holds byte 0x7f"},
  };
}

// A YAML double-quoted scalar holding exactly `bytes`: everything outside printable ASCII (and
// the quote and backslash) as an escape, so NUL and control bytes reach the reader as values.
std::string yaml_quoted(const std::string& bytes) {
  std::string out = "\"";
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const auto byte = static_cast<unsigned char>(bytes[i]);
    if (byte == '"' || byte == '\\') {
      out += '\\';
      out += bytes[i];
    } else if (byte >= 0x20 && byte < 0x7f) {
      out += bytes[i];
    } else if (byte < 0x80 || byte == 0x7f) {
      out += fmt::format("\\x{:02x}", byte);
    } else {
      out += bytes[i];  // UTF-8 sequences stay as they are: YAML reads them as text
    }
  }
  return out + "\"";
}

// A CSV cell holding exactly `bytes` (RFC 4180 quoting).
std::string csv_quoted(const std::string& bytes) {
  std::string out = "\"";
  for (char c : bytes) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

struct Case {
  Escape escape;
  std::string format;  // "yaml" or "csv"
  std::string field;   // "object_id" or "page_id"
};

// Names the row in gtest's output instead of dumping its bytes.
void PrintTo(const Case& c, std::ostream* os) {
  *os << c.format << "/" << c.field << "/" << c.escape.name;
}

std::string job_file_text(const Case& c) {
  const bool page = c.field == "page_id";
  const std::string page_id = page ? c.escape.id : "1234";
  const std::string object_id = page ? "1234_5678" : c.escape.id;
  if (c.format == "yaml") {
    return yaml_job(
        fmt::format("{{op: delete, target: facebook.page.post, page_id: {}, "
                    "object_id: {}}}",
                    yaml_quoted(page_id), yaml_quoted(object_id)));
  }
  return csv_row(fmt::format("delete,facebook.page.post,{},{},{},,,,", kTestIdentity,
                             csv_quoted(page_id), csv_quoted(object_id)));
}

std::vector<Case> cases() {
  std::vector<Case> all;
  for (const Escape& escape : escapes()) {
    for (const char* format : {"yaml", "csv"}) {
      for (const char* field : {"object_id", "page_id"}) all.push_back({escape, format, field});
    }
  }
  return all;
}

class PathEscapeE2e : public ::testing::TestWithParam<Case> {};

TEST_P(PathEscapeE2e, IsRefusedAtValidationNamingTheFieldAndQueuesNothing) {
  const Case& c = GetParam();
  TempDir dir;
  const std::string db = dir.file("q.db");
  const std::string good =
      dir.write("good.yaml", yaml_job("{op: delete, target: twitter.tweet, object_id: '999'}"));
  ASSERT_EQ(run_oneall({"import", good, "--db", db}).exit_code, 0);

  const std::string file = dir.write("escape." + c.format, job_file_text(c));
  const std::string expected = fmt::format("{}: {}", c.field, c.escape.says);
  const auto validate = run_oneall({"validate", file});
  EXPECT_EQ(validate.exit_code, 2) << validate.err;
  EXPECT_NE(validate.err.find(expected), std::string::npos)
      << "expected: " << expected << "\nstderr:\n"
      << validate.err;

  const auto import = run_oneall({"import", file, "--db", db});
  EXPECT_EQ(import.exit_code, 2) << import.err;
  EXPECT_NE(import.err.find(expected), std::string::npos) << import.err;
  EXPECT_NE(import.err.find("nothing was queued"), std::string::npos) << import.err;
  EXPECT_EQ(queue_states(db).total, 1) << "the refused file queued something";
}

INSTANTIATE_TEST_SUITE_P(Escapes, PathEscapeE2e, ::testing::ValuesIn(cases()),
                         [](const auto& info) {
                           return fmt::format("{}_{}_{}", info.param.escape.name, info.param.format,
                                              info.param.field);
                         });

}  // namespace
}  // namespace oneall
