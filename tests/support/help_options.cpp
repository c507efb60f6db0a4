#include "support/help_options.hpp"

#include <sstream>

namespace oneall::testing {

std::set<std::string> listed_options(const std::string& help) {
  std::set<std::string> options;
  std::istringstream lines(help);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("  -", 0) != 0) continue;
    const std::string names = line.substr(2, line.find(' ', 2) - 2);
    std::istringstream parts(names);
    std::string name;
    while (std::getline(parts, name, ',')) {
      if (name.rfind("--", 0) == 0 && name != "--help") options.insert(name);
    }
  }
  return options;
}

}  // namespace oneall::testing
