// `sandbox`: runs the built-in Update API emulator on loopback until SIGINT/SIGTERM.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>
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
        "sandbox-private-key unless changed. GET /sandbox/stats counts what it received\n"
        "(requests, applied, repeated, errors_injected, throttled, resets, ...);\n"
        "GET /sandbox/received lists when each API request arrived, in microseconds since\n"
        "start (received_us; started_unix_ms; the last 1,000,000 are kept).\n"
        "Faults apply to /update/ requests only, decided on arrival in this order:\n"
        "--throttle, then --reset-rate, then --error-rate; with --seed the same run draws\n"
        "the same faults in distribution.\n"
        "Point a run at it with: oneall-bulk run --endpoint http://127.0.0.1:PORT\n"
        "(and ONEALL_SUBDOMAIN=sandbox ONEALL_PUBLIC_KEY=... ONEALL_PRIVATE_KEY=...).\n"
        "Exit status: 0 stopped by SIGINT/SIGTERM, 2 bad usage or it cannot listen there.");
    sub_->add_option("--host", options_.host, "Loopback address to listen on")
        ->capture_default_str();
    sub_->add_option("--port", options_.port, "Port to listen on (0: any free port)")
        ->check(CLI::Range(0, 65535))
        ->capture_default_str();
    sub_->add_option("--latency", options_.latency_ms,
                     "Milliseconds from each request's arrival to its answer")
        ->check(CLI::Range(0, 60'000))
        ->capture_default_str();
    options_.threads = sandbox::SandboxOptions::kCommandThreads;
    sub_->add_option("--threads", options_.threads,
                     "Worker threads: connections served at once (each holds one while it is "
                     "open, and sleeps --latency on it), so at most THREADS / latency requests/s")
        ->check(CLI::Range(4, 4096))
        ->capture_default_str();
    sub_->add_option("--error-rate", options_.error_rate,
                     "Fraction (0..1) of API requests answered 500 or 503, not applied")
        ->check(CLI::Range(0.0, 1.0))
        ->capture_default_str();
    sub_->add_option("--throttle", options_.throttle_rps,
                     "Requests per second above which API requests get 429 with Retry-After, "
                     "not applied (0: off)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    sub_->add_option("--throttle-burst", options_.throttle_burst,
                     "Requests let through at once after an idle spell (0: one second's worth)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    sub_->add_option("--reset-rate", options_.reset_rate,
                     "Fraction (0..1) of API requests whose connection is dropped without an "
                     "answer (half of them after applying the change)")
        ->check(CLI::Range(0.0, 1.0))
        ->capture_default_str();
    seed_option_ = sub_->add_option("--seed", seed_,
                                    "Seed for the faults' randomness (default: a random one, "
                                    "printed at start with the faults when any is on)");
    sub_->add_option("--public-key", options_.credentials.public_key, "Accepted public key");
    sub_->add_option("--private-key", options_.credentials.private_key, "Accepted private key");
    sub_->add_option("--missing", missing_, "Object ids that answer 404 as if never there");
  }

  CLI::App& subcommand() override { return *sub_; }
  bool uses_queue() const override { return false; }

  int run(const GlobalOptions&, Streams streams) override {
    options_.missing_objects.insert(missing_.begin(), missing_.end());
    if (seed_option_->count() > 0) options_.seed = seed_;
    const std::atomic<bool>& stop =
        install_stop_signals(stop_notice_for(/*quiet=*/false, STDERR_FILENO));
    sandbox::SandboxServer server(options_);
    auto port = server.start();
    if (!port) {
      streams.err << "cannot start the sandbox: " << port.error().message << '\n';
      return kExitUsage;
    }
    streams.out << fmt::format("sandbox listening on {}\n", server.base_url());
    if (injects_faults(options_)) {
      const std::string throttle =
          options_.throttle_rps > 0 ? fmt::format("{}/s", options_.throttle_rps) : "off";
      streams.out << fmt::format("faults: throttle {}, reset rate {}, error rate {}, seed {}\n",
                                 throttle, options_.reset_rate, options_.error_rate, server.seed());
    }
    streams.out << std::flush;
    while (!stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    server.stop();
    const auto stats = server.stats();
    streams.err << fmt::format(
        "sandbox stopped: {} requests, {} applied, {} repeated, {} errors injected, "
        "{} throttled, {} resets\n",
        stats.requests, stats.applied, stats.repeated, stats.errors_injected, stats.throttled,
        stats.resets);
    return kExitOk;
  }

 private:
  static bool injects_faults(const sandbox::SandboxOptions& options) {
    return options.throttle_rps > 0 || options.reset_rate > 0 || options.error_rate > 0;
  }

  CLI::App* sub_;
  CLI::Option* seed_option_;
  std::uint64_t seed_ = 0;
  sandbox::SandboxOptions options_;
  std::vector<std::string> missing_;
};

}  // namespace

std::unique_ptr<Command> make_sandbox_command(CLI::App& app) {
  return std::make_unique<SandboxCommand>(app);
}

}  // namespace oneall::cli
