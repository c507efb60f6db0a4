#include "audit/archive_format.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include "store/attempt_chain.hpp"
#include "util/text.hpp"

namespace oneall::audit {
namespace {

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    out += kDigits[byte >> 4];
    out += kDigits[byte & 0xf];
  }
  return out;
}

std::optional<std::string> unhex(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  const auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const int high = digit(text[i]);
    const int low = digit(text[i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    out += static_cast<char>(high * 16 + low);
  }
  return out;
}

// A stored value as JSON: an integer as a number, NULL as null, UTF-8 text as a string; any
// other (bytes that are not UTF-8, a real, a blob) as {"type":CLASS,"hex":BYTES}, so that every
// value comes back exactly as it was hashed.
std::string value_json(const store::ChainValue& value) {
  if (value.type == "integer") return value.text;
  if (value.type == "null") return "null";
  if (value.type == "text" && is_valid_utf8(value.text)) return json_string(value.text);
  return fmt::format(R"({{"type":{},"hex":"{}"}})", json_string(value.type), hex(value.text));
}

std::string text_json(std::string_view text) { return value_json({"text", std::string(text)}); }

std::string optional_json(const std::optional<std::int64_t>& value) {
  return value ? std::to_string(*value) : "null";
}

Error bad(std::string_view what) { return Error{fmt::format("not an archive line: {}", what)}; }

Result<store::ChainValue> parse_value(simdjson::dom::element element) {
  switch (element.type()) {
    case simdjson::dom::element_type::INT64:
      return store::ChainValue{"integer", std::to_string(std::int64_t(element))};
    case simdjson::dom::element_type::NULL_VALUE:
      return store::ChainValue{"null", ""};
    case simdjson::dom::element_type::STRING:
      return store::ChainValue{"text", std::string(std::string_view(element))};
    case simdjson::dom::element_type::OBJECT: {
      std::string_view type;
      std::string_view bytes;
      if (element["type"].get(type) || element["hex"].get(bytes)) break;
      auto decoded = unhex(bytes);
      if (!decoded) break;
      return store::ChainValue{std::string(type), *decoded};
    }
    default:
      break;
  }
  return bad("a value is neither a whole number, null, text nor {\"type\",\"hex\"}");
}

Result<store::ChainedAttempt> parse_attempt(simdjson::dom::object object) {
  store::ChainedAttempt row;
  std::string_view prev;
  std::string_view hash;
  if (object["attempt_row"].get(row.id) || object["prev_hash"].get(prev) ||
      object["row_hash"].get(hash)) {
    return bad("an attempt row needs attempt_row, prev_hash and row_hash");
  }
  row.prev_hash = std::string(prev);
  row.row_hash = std::string(hash);
  for (std::string_view column : store::kChainedColumns) {
    simdjson::dom::element element;
    if (object[column].get(element)) return bad(fmt::format("attempt row lacks {}", column));
    auto value = parse_value(element);
    if (!value) return value.error();
    row.values.push_back(std::move(value).value());
  }
  if (row.values[1].type == "integer") row.job_id = std::stoll(row.values[1].text);
  return row;
}

Result<ArchiveEnd> parse_end(simdjson::dom::object object) {
  ArchiveEnd end;
  std::string_view start;
  std::string_view finish;
  if (object["start_hash"].get(start) || object["after_attempt_row"].get(end.after_attempt_id) ||
      object["last_attempt_row"].get(end.last_attempt_id) || object["end_hash"].get(finish) ||
      object["batches"].get(end.batches) || object["jobs"].get(end.jobs) ||
      object["attempt_rows"].get(end.attempts)) {
    return bad(
        "the end line needs start_hash, after_attempt_row, last_attempt_row, end_hash, "
        "batches, jobs and attempt_rows");
  }
  end.start_hash = std::string(start);
  end.end_hash = std::string(finish);
  return end;
}

}  // namespace

std::string header_line(const ArchiveHeader& header) {
  return fmt::format(R"({{"archive":{},"version":{},"queue":{},"created_at":"{}","before":"{}"}})",
                     json_string(kArchiveFormat), kArchiveVersion, json_string(header.queue),
                     format_utc_ms(header.created_at), format_utc_ms(header.before));
}

std::string batch_line(const store::BatchRecord& batch) {
  return fmt::format(R"({{"batch":{},"created_at":{},"description":{}}})", batch.id,
                     batch.created_at, text_json(batch.description));
}

std::string job_line(const store::JobRecord& j) {
  return fmt::format(
      R"({{"job":{},"batch":{},"job_key_hex":"{}","object_hash":{},"source":{},"op":{},)"
      R"("target":{},"identity":{},"page_id":{},"object_id":{},"method":{},"path":{},"body":{},)"
      R"("state":{},"attempts":{},"attempt_base":{},"next_attempt_at":{},"note":{},)"
      R"("last_http_status":{},"last_outcome":{},"updated_at":{},"not_before":{},)"
      R"("expires_at":{}}})",
      j.id, j.batch_id, hex(j.job_key), j.object_hash, text_json(j.source), text_json(j.op),
      text_json(j.target), text_json(j.identity), text_json(j.page_id), text_json(j.object_id),
      text_json(j.method), text_json(j.path), text_json(j.body), text_json(j.state), j.attempts,
      j.attempt_base, j.next_attempt_at, text_json(j.note), optional_json(j.last_http_status),
      j.last_outcome ? text_json(*j.last_outcome) : "null", j.updated_at,
      optional_json(j.not_before), optional_json(j.expires_at));
}

std::string attempt_line(const store::ChainedAttempt& row) {
  std::string line = fmt::format(R"({{"attempt_row":{},"prev_hash":{},"row_hash":{})", row.id,
                                 row.prev_hash ? json_string(*row.prev_hash) : "null",
                                 row.row_hash ? json_string(*row.row_hash) : "null");
  for (std::size_t i = 0; i < row.values.size() && i < store::kChainedColumns.size(); ++i) {
    line += fmt::format(",\"{}\":{}", store::kChainedColumns[i], value_json(row.values[i]));
  }
  line += '}';
  return line;
}

std::string end_line(const ArchiveEnd& end) {
  return fmt::format(R"({{"end":{},"start_hash":"{}","after_attempt_row":{},"last_attempt_row":{},)"
                     R"("end_hash":"{}","batches":{},"jobs":{},"attempt_rows":{}}})",
                     json_string(kArchiveFormat), end.start_hash, end.after_attempt_id,
                     end.last_attempt_id, end.end_hash, end.batches, end.jobs, end.attempts);
}

Result<ArchiveLine> parse_archive_line(std::string_view line) {
  simdjson::dom::parser parser;
  simdjson::dom::element document;
  if (parser.parse(line.data(), line.size()).get(document)) return bad("not JSON");
  simdjson::dom::object object;
  if (document.get(object)) return bad("not a JSON object");
  if (object["attempt_row"].error() == simdjson::SUCCESS) {
    auto row = parse_attempt(object);
    if (!row) return row.error();
    return ArchiveLine(std::move(row).value());
  }
  if (object["job"].error() == simdjson::SUCCESS) return ArchiveLine(JobLine{});
  if (object["batch"].error() == simdjson::SUCCESS) return ArchiveLine(BatchLine{});
  if (object["end"].error() == simdjson::SUCCESS) {
    auto end = parse_end(object);
    if (!end) return end.error();
    return ArchiveLine(std::move(end).value());
  }
  std::string_view format;
  std::int64_t version = 0;
  if (object["archive"].get(format) || format != kArchiveFormat || object["version"].get(version)) {
    return bad("no archive, job, batch, attempt_row or end key");
  }
  if (version != kArchiveVersion) {
    return Error{
        fmt::format("archive version {} is not one this oneall-bulk reads (it reads {}): "
                    "upgrade oneall-bulk",
                    version, kArchiveVersion)};
  }
  ArchiveHeader header;
  std::string_view queue;
  if (object["queue"].get(queue) == simdjson::SUCCESS) header.queue = std::string(queue);
  return ArchiveLine(header);
}

}  // namespace oneall::audit
