// `sandbox`: runs the built-in Update API emulator on loopback until SIGINT/SIGTERM.
#include <fmt/format.h>

#include <chrono>
#include <ostream>
#include <thread>

#include "cli/command.hpp"
#include "cli/exit_codes.hpp"
#include "cli/signals.hpp"
#include "sandbox/sandbox_server.hpp"

namespace oneall::cli {
namespace {

class SandboxCommand final : public Command {
 public:
  explicit SandboxCommand(CLI::App& app)
      : sub_(app.add_subcommand("sandbox", "Run the built-in OneAll Update API emulator")) {
    sub_->footer(
        "Serves the Update API's paths on 127.0.0.1 over an in-memory set of objects (every id\n"
        "exists until deleted). Credentials: public key sandbox-public-key, private key\n"
        "sandbox-private-key unless changed. GET /sandbox/stats counts what it received.\n"
        "Point a run at it with: oneall-bulk run --endpoint http://127.0.0.1:PORT\n"
        "(and ONEALL_SUBDOMAIN=sandbox ONEALL_PUBLIC_KEY=... ONEALL_PRIVATE_KEY=...).");
    sub_->add_option("--host", options_.host, "Loopback address to listen on")
        ->capture_default_str();
    sub_->add_option("--port", options_.port, "Port to listen on (0: any free port)")
        ->check(CLI::Range(0, 65535))
        ->capture_default_str();
    sub_->add_option("--latency", options_.latency_ms, "Milliseconds to wait before each answer")
        ->check(CLI::Range(0, 60'000))
        ->capture_default_str();
    sub_->add_option("--public-key", options_.credentials.public_key, "Accepted public key");
    sub_->add_option("--private-key", options_.credentials.private_key, "Accepted private key");
    sub_->add_option("--missing", missing_, "Object ids that answer 404 as if never there");
  }

  CLI::App& subcommand() override { return *sub_; }

  int run(const GlobalOptions&, Streams streams) override {
    options_.missing_objects.insert(missing_.begin(), missing_.end());
    const std::atomic<bool>& stop = install_stop_signals();
    sandbox::SandboxServer server(options_);
    auto port = server.start();
    if (!port) {
      streams.err << "cannot start the sandbox: " << port.error().message << '\n';
      return kExitUsage;
    }
    streams.out << fmt::format("sandbox listening on {}\n", server.base_url()) << std::flush;
    while (!stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    server.stop();
    const auto stats = server.stats();
    streams.err << fmt::format("sandbox stopped: {} requests, {} applied, {} repeated\n",
                               stats.requests, stats.applied, stats.repeated);
    return kExitOk;
  }

 private:
  CLI::App* sub_;
  sandbox::SandboxOptions options_;
  std::vector<std::string> missing_;
};

}  // namespace

std::unique_ptr<Command> make_sandbox_command(CLI::App& app) {
  return std::make_unique<SandboxCommand>(app);
}

}  // namespace oneall::cli
