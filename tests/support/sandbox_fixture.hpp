// A GoogleTest fixture that runs the real sandbox on an ephemeral 127.0.0.1 port for the
// duration of one test: started in SetUp, stopped (and joined) in TearDown. Tests that need
// other options (latency, missing objects, other keys) call restart_sandbox(options), which
// starts a fresh server with fresh counters.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "sandbox/sandbox_server.hpp"

namespace oneall::testing {

class SandboxFixture : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Stops the running sandbox, if any, and starts a new one with `options` (its port too
  // unless options.port says otherwise). A failure to start fails the test.
  void restart_sandbox(sandbox::SandboxOptions options);

  std::string base_url() const;  // "http://127.0.0.1:PORT"
  int port() const;
  sandbox::SandboxStats stats() const;
  sandbox::SandboxServer& sandbox();

 private:
  std::unique_ptr<sandbox::SandboxServer> sandbox_;
};

}  // namespace oneall::testing
