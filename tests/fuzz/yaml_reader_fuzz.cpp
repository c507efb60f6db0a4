// libFuzzer target for the YAML reader: no crash, no sanitizer report, records it accepts
// render, and every diagnostic names the file.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_checks.hpp"
#include "jobfile/reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  oneall::jobfile::ReadOptions options;
  if (size % 2 == 1) options.identity = "2af20011-8965-471b-8f6b-8b66a611aae6";
  const std::string name = "fuzz.yaml";
  const auto diagnostics = oneall::jobfile::read_yaml_text(
      text, name, options,
      [](oneall::jobfile::JobRecord&& record) { oneall::fuzz::check_record(record); });
  oneall::fuzz::check_diagnostics(diagnostics, name);
  return 0;
}
