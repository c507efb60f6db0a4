// A deterministic generator of jobs for the body round-trip property test: random jobs of every
// target and op, built from awkward values (numbers past 2^53 and past 2^64, zero-led numbers,
// YAML's yes/null/~, quotes, backslashes, control bytes, unicode, bytes that are not UTF-8,
// multi-line text), each written out as YAML (plain, single-quoted, double-quoted or block
// scalars, flow or block lists) or as CSV (quoted or bare cells, columns in any order). Every
// job remembers what a reader must make of it, so the test can compare.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/target.hpp"

namespace oneall::jobfile::testing {

// One job as intended: each text field as the reader must hand it on, and each attachment as
// the text the reader sees (after YAML or CSV unquoting).
struct GivenJob {
  api::Op op = api::Op::kDelete;
  api::Target target = api::Target::kTwitterTweet;
  std::string identity;
  std::string page_id;  // empty: not written
  std::string object_id;
  std::optional<std::string> board, description, link, message;
  std::optional<std::vector<std::string>> attachments;
  bool null_attachment = false;  // an item YAML reads as null (`~`, `null`): must be refused
  std::size_t line = 0;          // where the job (its map, or its CSV row) starts
};

class JobGenerator {
 public:
  explicit JobGenerator(std::uint64_t seed) : random_(seed) {}

  GivenJob job() {
    GivenJob job;
    const auto targets = api::all_targets();
    job.target = targets[pick(targets.size())].target;
    job.op = chance(70) ? api::Op::kUpdate : api::Op::kDelete;
    job.identity = chance(95) ? one_of(kIdentities) : one_of(kAwkwardText);
    const bool under_page = api::target_info(job.target).under_page;
    if (under_page ? chance(97) : chance(3)) job.page_id = id();
    job.object_id = id();
    if (job.op == api::Op::kUpdate || chance(5)) {
      const bool pin = job.target == api::Target::kPinterestPin;
      // Mostly the target's own fields, now and then another's (which must be refused).
      if (pin ? chance(50) : chance(3)) job.board = text();
      if (pin ? chance(50) : chance(3)) job.description = text();
      if (chance(pin ? 50 : 25)) job.link = link();
      if (!pin ? chance(60) : chance(3)) job.message = text();
      if (!pin ? chance(60) : chance(3)) job.attachments = attachment_list();
    }
    return job;
  }

  bool chance(int percent) { return pick(100) < static_cast<std::size_t>(percent); }
  std::size_t pick(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(random_);
  }
  template <class List>
  std::string one_of(const List& list) {
    return std::string(list[pick(std::size(list))]);
  }

  // A canonical picture id: 1 .. 2^63-1, with a bias to the edges and past 2^53.
  std::string canonical_id() {
    switch (pick(4)) {
      case 0:
        return one_of(kEdgeIds);
      case 1:
        return std::to_string(std::uniform_int_distribution<std::uint64_t>(1, 999)(random_));
      default:
        return std::to_string(
            std::uniform_int_distribution<std::uint64_t>(1, 9'223'372'036'854'775'807ULL)(random_));
    }
  }

 private:
  static constexpr std::string_view kIdentities[] = {"2af20011-8965-471b-8f6b-8b66a611aae6",
                                                     "7C9E6679-7425-40DE-944B-E07FC1F90AE7"};
  static constexpr std::string_view kEdgeIds[] = {"1",
                                                  "9",
                                                  "10",
                                                  "101",
                                                  "202",
                                                  "9007199254740992",
                                                  "9007199254740993",
                                                  "9223372036854775806",
                                                  "9223372036854775807",
                                                  "1234567890"};
  static constexpr std::string_view kBadIds[] = {"0",
                                                 "00",
                                                 "0202",
                                                 "007",
                                                 "-1",
                                                 "+1",
                                                 "1.0",
                                                 "1e3",
                                                 "0x1F",
                                                 "0o17",
                                                 "1_000",
                                                 ".5",
                                                 "1.",
                                                 "9223372036854775808",
                                                 "18446744073709551615",
                                                 "18446744073709551616",
                                                 "99999999999999999999999",
                                                 "yes",
                                                 "no",
                                                 "true",
                                                 "null",
                                                 "Null",
                                                 "NULL",
                                                 "~",
                                                 "pic_2",
                                                 "",
                                                 " ",
                                                 "1 ",
                                                 "12a",
                                                 "\xef\xbc\x91",
                                                 "\xd9\xa1\xd9\xa2",
                                                 "1\xe9",
                                                 "NaN",
                                                 ".inf",
                                                 "-.inf",
                                                 "0b101"};
  static constexpr std::string_view kAwkwardText[] = {
      "yes",
      "No",
      "null",
      "~",
      "true",
      "0202",
      "1e3",
      "18446744073709551616",
      "Two lines",
      "Line 1\nLine 2",
      "tab\there",
      "quote \" and 'single'",
      "back\\slash \\n \\u0041",
      "caf\xc3\xa9 \xe2\x9c\x93 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80",
      "line\xe2\x80\xa8separator",
      "# not a comment",
      "key: value",
      "- dash",
      "[not, a, list]",
      "{not: map}",
      "&anchor",
      "*alias",
      "!tag",
      "%percent",
      "@at",
      "`tick",
      "  leading",
      "trailing  ",
      "ctrl \x01\x1f\x7f end",
      "caf\xe9",
      "\xed\xa0\x80 surrogate",
      "\xc0\xaf",
      "a,b",
      "\"quoted\"",
      "'",
      "\\",
      "=1+2",
      "multi\n\nblank\n",
      "x",
      "-",
      "?",
      ":",
      "|",
      ">",
      "\xef\xbb\xbf"
      "bom",
      std::string_view("nul\0inside", 10)};
  static constexpr std::string_view kLinks[] = {
      "https://www.example.com/",  "http://x.example/a?b=c&d=%22e%22#f",
      "HTTPS://X.EXAMPLE/",        "https://\xe4\xbe\x8b\xe3\x81\x88.jp/\xe3\x83\x91\xe3\x82\xb9",
      "https://x.example/\\back",  "https://x.example/a\"b",
      "https://x.example/caf\xe9", "https://user@x.example:8080/p",
      "javascript:alert(1)",       "https://x.example/a b",
      "https:///nohost",           "ftp://x.example/",
      "https://x.example/\x7f",    "https://x.example/'quote'"};
  static constexpr std::size_t kGoodObjectIds = 6;  // the first six of kObjectIds
  static constexpr std::string_view kObjectIds[] = {"352969689546669253",
                                                    "1234_5678",
                                                    "v.1-2",
                                                    "007",
                                                    "1456789",
                                                    "77_88",
                                                    "a/b",
                                                    "..",
                                                    "",
                                                    "x y",
                                                    "\xc3\xa9",
                                                    "18446744073709551616"};

  // Mostly an id that passes, now and then one that must be refused.
  std::string id() {
    return std::string(kObjectIds[chance(90) ? pick(kGoodObjectIds) : pick(std::size(kObjectIds))]);
  }

  std::string text() {
    if (chance(60)) return one_of(kAwkwardText);
    // A random string over an alphabet of awkward bytes and characters.
    static constexpr std::string_view kPieces[] = {"a",
                                                   "Z",
                                                   "0",
                                                   "7",
                                                   " ",
                                                   "\n",
                                                   "\t",
                                                   "\"",
                                                   "'",
                                                   "\\",
                                                   ":",
                                                   "#",
                                                   "-",
                                                   ",",
                                                   "[",
                                                   "]",
                                                   "{",
                                                   "}",
                                                   "&",
                                                   "*",
                                                   "!",
                                                   "|",
                                                   ">",
                                                   "%",
                                                   "@",
                                                   "`",
                                                   "\xc3\xa9",
                                                   "\xe2\x82\xac",
                                                   "\xf0\x9f\x98\x80",
                                                   "\x01",
                                                   "\x7f",
                                                   "\xe9",
                                                   "\r"};
    std::string s;
    const std::size_t n = 1 + pick(24);
    for (std::size_t i = 0; i < n; ++i) s += one_of(kPieces);
    return s;
  }

  std::string link() { return chance(50) ? one_of(kLinks) : "https://x.example/" + text(); }

  std::vector<std::string> attachment_list() {
    std::vector<std::string> ids;
    const std::size_t n = chance(5) ? 0 : 1 + pick(4);  // an empty list must be refused
    for (std::size_t i = 0; i < n; ++i)
      ids.push_back(chance(90) ? canonical_id() : one_of(kBadIds));
    return ids;
  }

  std::mt19937_64 random_;
};

// A scalar as written in YAML, and what a YAML reader makes of it.
struct YamlScalar {
  std::string text;  // after `key: `; for a block scalar it spans the following lines
  std::optional<std::string> value;  // nullopt: YAML reads a null
};

inline bool is_null_word(std::string_view s) {
  return s == "~" || s == "null" || s == "Null" || s == "NULL";
}

// Plain (unquoted) only where YAML takes the characters as they are.
inline bool plain_safe(std::string_view s, bool in_flow) {
  if (s.empty() || s.back() == ' ' || s.back() == ':') return false;
  const unsigned char first = static_cast<unsigned char>(s.front());
  if (!std::isalnum(first) && first != '~') return false;
  if (s.find(": ") != std::string_view::npos || s.find(" #") != std::string_view::npos) {
    return false;
  }
  for (char c : s) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7f) return false;
    if (in_flow && std::string_view(",[]{}").find(c) != std::string_view::npos) return false;
  }
  return true;
}

inline bool has_control(std::string_view s, bool newline_ok) {
  return std::any_of(s.begin(), s.end(), [&](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && !(newline_ok && c == '\n')) || byte == 0x7f;
  });
}

inline std::string yaml_double_quoted(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char c : s) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (byte < 0x20 || byte == 0x7f) {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// `s` in a style the generator picks among those that carry it exactly; `indent` is the column
// of the key, for block scalars.
inline YamlScalar yaml_scalar(JobGenerator& g, const std::string& s, std::size_t indent,
                              bool in_flow) {
  const bool block_ok = !in_flow && !s.empty() && s.front() != ' ' && s.front() != '\n' &&
                        !has_control(s, true) && s.find(" \n") == std::string::npos &&
                        s.find("\n\n") == std::string::npos && s.back() != '\n' &&
                        s.back() != ' ' && s.find("\n ") == std::string::npos;
  switch (g.pick(4)) {
    case 0:
      if (plain_safe(s, in_flow)) {
        return {s, is_null_word(s) ? std::nullopt : std::optional<std::string>(s)};
      }
      break;
    case 1:
      if (!has_control(s, false)) {
        std::string out = "'";
        for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
        return {out + "'", s};
      }
      break;
    case 2:
      if (block_ok) {
        const bool keep = g.chance(50);  // `|` keeps one final newline, `|-` none
        std::string out = keep ? "|\n" : "|-\n";
        const std::string pad(indent + 2, ' ');
        std::size_t at = 0;
        while (at <= s.size()) {
          const std::size_t end = std::min(s.find('\n', at), s.size());
          out += pad + s.substr(at, end - at) + "\n";
          at = end + 1;
        }
        out.pop_back();  // the caller ends the line
        return {out, keep ? s + "\n" : s};
      }
      break;
    default:
      break;
  }
  return {yaml_double_quoted(s), s};
}

struct GeneratedFile {
  std::string text;
  std::vector<GivenJob> jobs;        // each with its line, and what the reader must make of it
  std::vector<bool> null_somewhere;  // per job: a value YAML reads as null (must be refused)
};

// Jobs in block style, one key a line, each job's `set` and attachments in a random style.
inline GeneratedFile yaml_file(JobGenerator& g, std::size_t count) {
  GeneratedFile file;
  std::string& out = file.text;
  out = g.chance(20) ? "# generated\njobs:\n" : "jobs:\n";
  auto line_now = [&] {
    return 1 + static_cast<std::size_t>(std::count(out.begin(), out.end(), '\n'));
  };
  for (std::size_t i = 0; i < count; ++i) {
    GivenJob job = g.job();
    bool null_value = false;
    job.line = line_now();
    out += std::string("  - op: ") + (job.op == api::Op::kUpdate ? "update" : "delete") + "\n";
    out += "    target: " + std::string(api::target_name(job.target)) + "\n";
    auto field = [&](std::string_view key, std::string& value, std::size_t indent) {
      YamlScalar scalar = yaml_scalar(g, value, indent, false);
      out += std::string(indent, ' ') + std::string(key) + ": " + scalar.text + "\n";
      if (!scalar.value) null_value = true;
      value = scalar.value.value_or("");
    };
    field("identity", job.identity, 4);
    if (!job.page_id.empty()) field("page_id", job.page_id, 4);
    field("object_id", job.object_id, 4);
    const bool any_set = job.board || job.description || job.link || job.message || job.attachments;
    if (any_set) {
      out += "    set:\n";
      const std::pair<std::string_view, std::optional<std::string>*> text_fields[] = {
          {"board", &job.board},
          {"description", &job.description},
          {"link", &job.link},
          {"message", &job.message}};
      for (const auto& [key, value] : text_fields) {
        if (*value) field(key, **value, 6);
      }
      if (job.attachments) {
        const bool flow = g.chance(50);
        out += flow ? "      attachments: [" : "      attachments:\n";
        if (!flow && job.attachments->empty()) out.replace(out.size() - 1, 1, " []\n");
        for (std::size_t k = 0; k < job.attachments->size(); ++k) {
          std::string& id = (*job.attachments)[k];
          YamlScalar scalar = yaml_scalar(g, id, 8, flow);
          if (flow) {
            out += (k > 0 ? ", " : "") + scalar.text;
          } else {
            out += "        - " + scalar.text + "\n";
          }
          if (!scalar.value) job.null_attachment = true;
          id = scalar.value.value_or("");
        }
        if (flow) out += "]\n";
      }
    }
    file.jobs.push_back(std::move(job));
    file.null_somewhere.push_back(null_value);
  }
  return file;
}

// What a CSV cell holds: quoted when it must be (or at random), quotes doubled.
inline std::string csv_cell(JobGenerator& g, std::string_view value) {
  const bool must = value.find_first_of(",\"\r\n") != std::string_view::npos;
  if (!must && !g.chance(20)) return std::string(value);
  std::string out = "\"";
  for (char c : value) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// Picture ids as the CSV reader splits its cell: runs of spaces and tabs separate them.
inline std::vector<std::string> split_on_blanks(std::string_view cell) {
  std::vector<std::string> parts;
  std::size_t at = 0;
  while (at < cell.size()) {
    const std::size_t begin = cell.find_first_not_of(" \t", at);
    if (begin == std::string_view::npos) break;
    const std::size_t end = std::min(cell.find_first_of(" \t", begin), cell.size());
    parts.emplace_back(cell.substr(begin, end - begin));
    at = end;
  }
  return parts;
}

inline constexpr std::string_view kCsvColumns[] = {
    "op",    "target",      "identity", "page_id", "object_id",
    "board", "description", "link",     "message", "attachments"};

// A header of every column in a random order, then one row per job. With `identity_option`,
// some rows leave identity empty and take it from --identity.
inline GeneratedFile csv_file(JobGenerator& g, std::size_t count,
                              const std::string& identity_option) {
  GeneratedFile file;
  std::vector<std::string_view> columns(std::begin(kCsvColumns), std::end(kCsvColumns));
  for (std::size_t i = columns.size(); i > 1; --i) std::swap(columns[i - 1], columns[g.pick(i)]);
  std::string& out = file.text;
  const std::string row_end = g.chance(30) ? "\r\n" : "\n";
  for (std::size_t i = 0; i < columns.size(); ++i) out += (i ? "," : "") + std::string(columns[i]);
  out += row_end;
  std::size_t line = 2;
  for (std::size_t n = 0; n < count; ++n) {
    GivenJob job = g.job();
    job.line = line;
    std::string attachments_cell;
    if (job.attachments) {
      for (std::size_t k = 0; k < job.attachments->size(); ++k) {
        attachments_cell += (k ? (g.chance(70) ? " " : "\t ") : "") + (*job.attachments)[k];
      }
    }
    if (!identity_option.empty() && g.chance(30)) job.identity.clear();
    std::string row;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      const std::string_view c = columns[i];
      std::string value = c == "op"            ? (job.op == api::Op::kUpdate ? "update" : "delete")
                          : c == "target"      ? std::string(api::target_name(job.target))
                          : c == "identity"    ? job.identity
                          : c == "page_id"     ? job.page_id
                          : c == "object_id"   ? job.object_id
                          : c == "board"       ? job.board.value_or("")
                          : c == "description" ? job.description.value_or("")
                          : c == "link"        ? job.link.value_or("")
                          : c == "message"     ? job.message.value_or("")
                                               : attachments_cell;
      row += (i ? "," : "") + csv_cell(g, value);
    }
    out += row + row_end;
    line += static_cast<std::size_t>(std::count(row.begin(), row.end(), '\n')) + 1;
    // What the reader must see: an empty cell is "not set"; ids are split on blanks.
    for (auto* value : {&job.board, &job.description, &job.link, &job.message}) {
      if (*value && (*value)->empty()) value->reset();
    }
    if (job.attachments) {
      if (attachments_cell.empty()) {
        job.attachments.reset();
      } else {
        job.attachments = split_on_blanks(attachments_cell);
      }
    }
    if (job.identity.empty()) job.identity = identity_option;
    file.jobs.push_back(std::move(job));
    file.null_somewhere.push_back(false);
  }
  return file;
}

}  // namespace oneall::jobfile::testing
