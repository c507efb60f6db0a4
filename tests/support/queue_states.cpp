#include "support/queue_states.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include "support/process.hpp"

namespace oneall::testing {

QueueStates queue_states(const std::string& db) {
  auto status = run_oneall({"status", "--json", "--db", db});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(status.out).get(doc) != simdjson::SUCCESS) {
    ADD_FAILURE() << "status --json is not JSON: " << status.out;
    return {};
  }
  auto state = [&](const char* name) { return doc["states"][name].get_int64().value(); };
  return {doc["total"].get_int64().value(), state("pending"), state("running"), state("succeeded"),
          state("failed")};
}

}  // namespace oneall::testing
