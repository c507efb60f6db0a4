#include "support/sandbox_fixture.hpp"

namespace oneall::testing {

void SandboxFixture::SetUp() { restart_sandbox({}); }

void SandboxFixture::TearDown() { sandbox_.reset(); }

void SandboxFixture::restart_sandbox(sandbox::SandboxOptions options) {
  sandbox_.reset();
  sandbox_ = std::make_unique<sandbox::SandboxServer>(std::move(options));
  const Result<int> port = sandbox_->start();
  ASSERT_TRUE(port.ok()) << "the sandbox did not start: " << port.error().message;
}

std::string SandboxFixture::base_url() const { return sandbox_->base_url(); }

int SandboxFixture::port() const { return sandbox_->port(); }

sandbox::SandboxStats SandboxFixture::stats() const { return sandbox_->stats(); }

sandbox::SandboxServer& SandboxFixture::sandbox() { return *sandbox_; }

}  // namespace oneall::testing
