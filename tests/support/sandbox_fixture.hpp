// A GoogleTest fixture that runs the real sandbox on an ephemeral 127.0.0.1 port for the
// duration of one test. Tests that need other options call restart_sandbox(options).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "sandbox/sandbox_server.hpp"

namespace oneall::testing {

class SandboxFixture : public ::testing::Test {
 protected:
  void SetUp() override { restart_sandbox({}); }
  void TearDown() override { sandbox_.reset(); }

  void restart_sandbox(sandbox::SandboxOptions options) {
    sandbox_.reset();
    sandbox_ = std::make_unique<sandbox::SandboxServer>(std::move(options));
    auto port = sandbox_->start();
    ASSERT_TRUE(port.ok()) << port.error().message;
  }

  std::string base_url() const { return sandbox_->base_url(); }
  sandbox::SandboxStats stats() const { return sandbox_->stats(); }
  sandbox::SandboxServer& sandbox() { return *sandbox_; }

 private:
  std::unique_ptr<sandbox::SandboxServer> sandbox_;
};

}  // namespace oneall::testing
