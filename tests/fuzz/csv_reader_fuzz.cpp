// libFuzzer target for the CSV reader. Besides crashes and sanitizer reports it checks that
// records the reader accepts render, and that the tokenizer gives the same rows and errors
// whether the bytes arrive at once or in chunks of a size taken from the input (the reader
// reads files in 64 KiB chunks, so every split point must be handled).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_checks.hpp"
#include "jobfile/csv_tokenizer.hpp"
#include "jobfile/reader.hpp"

namespace {

using oneall::fuzz::require;
using oneall::jobfile::CsvRow;
using oneall::jobfile::CsvTokenizer;

struct Tokens {
  std::vector<std::string> events;  // rows and errors, in order, with their lines
};

Tokens tokenize(std::string_view text, std::size_t chunk) {
  Tokens tokens;
  CsvTokenizer tokenizer(
      [&](const CsvRow& row) {
        std::string event = "row@" + std::to_string(row.line) + ":";
        for (const auto& cell : row.cells) event += cell + '\x1f';
        event += '#' + std::to_string(row.cell_count);
        tokens.events.push_back(std::move(event));
      },
      [&](std::size_t line, const std::string& message) {
        tokens.events.push_back("error@" + std::to_string(line) + ":" + message);
      });
  for (std::size_t at = 0; at < text.size() && !tokenizer.stopped(); at += chunk) {
    tokenizer.feed(text.substr(at, chunk));
  }
  tokenizer.finish();
  return tokens;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte picks the chunk size and whether --identity is given; the rest is the file.
  const std::size_t chunk = 1 + (data[0] & 0x3f);
  const bool with_identity = (data[0] & 0x40) != 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  oneall::jobfile::ReadOptions options;
  if (with_identity) options.identity = "2af20011-8965-471b-8f6b-8b66a611aae6";
  const std::string name = "fuzz.csv";
  const auto diagnostics = oneall::jobfile::read_csv_text(
      text, name, options,
      [](oneall::jobfile::JobRecord&& record) { oneall::fuzz::check_record(record); });
  oneall::fuzz::check_diagnostics(diagnostics, name);

  const Tokens whole = tokenize(text, text.size() + 1);
  const Tokens chunked = tokenize(text, chunk);
  if (whole.events != chunked.events) {
    std::fprintf(stderr, "chunk size %zu\n--- at once:\n", chunk);
    for (const auto& e : whole.events) std::fprintf(stderr, "%s\n", e.c_str());
    std::fprintf(stderr, "--- in chunks:\n");
    for (const auto& e : chunked.events) std::fprintf(stderr, "%s\n", e.c_str());
    require(false, "chunked input tokenizes differently");
  }
  return 0;
}
