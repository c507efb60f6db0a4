// The --batch, --state and --job options that `report`, `retry` and `cancel` share, and the
// store::JobFilter they make. `states` limits --state to the states the command acts on.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/records.hpp"

namespace oneall::cli {

class JobFilterOptions {
 public:
  JobFilterOptions(CLI::App& sub, const std::vector<std::string>& states);
  store::JobFilter filter() const;

 private:
  std::optional<std::int64_t> batch_;
  std::string state_;
  std::optional<std::int64_t> job_;
};

}  // namespace oneall::cli
