// `check`: GET {api_root}/tools/ping.json with the configured keys (docs/cli.md#check), so a cron
// job or a person learns before a long run whether endpoint, subdomain and keys work.
#include <fmt/format.h>

#include <optional>
#include <ostream>

#include "cli/api_target.hpp"
#include "cli/check_verdict.hpp"
#include "cli/command.hpp"
#include "cli/duration_arg.hpp"
#include "cli/parsed_option.hpp"
#include "cli/exit_codes.hpp"
#include "engine/ping.hpp"
#include "sandbox/sandbox_server.hpp"
#include "util/text.hpp"

namespace oneall::cli {
namespace {

class CheckCommand final : public Command {
 public:
  explicit CheckCommand(CLI::App& app)
      : sub_(app.add_subcommand(
            "check", "Ask the API's /tools/ping.json whether endpoint, subdomain and keys work")) {
    sub_->footer(
        "Uses the same credentials, --config, --endpoint and --cacert as `run`; sends one GET\n"
        "and nothing else. " +
        duration_help() +
        "\nExit status: 0 the API accepted the keys, 2 bad usage or unusable credentials, 4 it\n"
        "did not or could not be reached (the reason is printed: unreachable, TLS failure,\n"
        "wrong keys, ...), 5 system error (the sandbox could not start).");
    target_.add_options(*sub_);
    add_parsed_option(*sub_, "--timeout", timeout_ms_, parse_timeout_ms, "Timeout, 100ms to 1h")
        ->type_name("DURATION")
        ->default_str("10s");
    sub_->add_flag("--sandbox", sandbox_,
                   "Start the built-in API emulator on 127.0.0.1 and check against it");
    sub_->add_flag("--json", json_, "Print the verdict as one JSON object on stdout");
    sub_->get_option("--sandbox")->excludes(target_.endpoint_option());
  }

  CLI::App& subcommand() override { return *sub_; }
  bool uses_queue() const override { return false; }

  int run(const GlobalOptions&, Streams streams) override {
    engine::RunOptions options;
    options.timeout_ms = timeout_ms_;
    options.connect_timeout_ms = std::min(options.connect_timeout_ms, options.timeout_ms);
    if (!sandbox_ && !target_.use_configured_api(options, streams.err)) return kExitUsage;
    if (!target_.use_cacert(options, streams.err)) return kExitUsage;

    std::optional<sandbox::SandboxServer> sandbox;
    if (sandbox_) {
      sandbox.emplace(sandbox::SandboxOptions{});
      if (auto port = sandbox->start(); !port) {
        streams.err << "cannot start the sandbox: " << port.error().message << '\n';
        return kExitStorage;
      }
      options.credentials = api::sandbox_credentials();
      options.api_root = sandbox->base_url();
    }

    const engine::PingAnswer answer = engine::ping(options);
    const CheckVerdict verdict =
        check_verdict(answer, options.api_root, options.credentials.subdomain);
    if (json_) {
      streams.out << fmt::format(R"({{"ok":{},"reason":{},"api_root":{},"http_status":{},)"
                                 R"("message":{},"exit_code":{}}})",
                                 verdict.exit_code == kExitOk ? "true" : "false",
                                 json_string(verdict.reason), json_string(options.api_root),
                                 answer.http_status, json_string(verdict.message),
                                 verdict.exit_code)
                  << '\n';
    }
    if (verdict.exit_code != kExitOk) {
      streams.err << verdict.message << '\n';
    } else if (!json_) {
      streams.out << verdict.message << '\n';
    }
    return verdict.exit_code;
  }

 private:
  CLI::App* sub_;
  ApiTarget target_;
  std::int64_t timeout_ms_ = 10'000;
  bool sandbox_ = false;
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> make_check_command(CLI::App& app) {
  return std::make_unique<CheckCommand>(app);
}

}  // namespace oneall::cli
