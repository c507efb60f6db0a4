// The samples of Prometheus text as a map from "name{labels}" (as written) to the value's text,
// so a test can ask for one series; and the families' names in the order their TYPE lines come.
#pragma once

#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace oneall::cli::testing {

inline std::map<std::string, std::string> exposition_samples(const std::string& text) {
  std::map<std::string, std::string> samples;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    const std::size_t space = line.rfind(' ');
    samples[line.substr(0, space)] = line.substr(space + 1);
  }
  return samples;
}

inline std::vector<std::string> exposition_families(const std::string& text) {
  std::vector<std::string> families;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("# TYPE ", 0) == 0) families.push_back(line.substr(7, line.find(' ', 7) - 7));
  }
  return families;
}

}  // namespace oneall::cli::testing
