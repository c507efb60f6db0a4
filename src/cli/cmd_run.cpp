// `run [FILE...]`: imports the files (if any), then works the queue until nothing is runnable,
// against the configured API root, an --endpoint, or the in-process sandbox (--sandbox).
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <ostream>

#include "cli/command.hpp"
#include "cli/exit_codes.hpp"
#include "cli/job_files.hpp"
#include "cli/open_queue.hpp"
#include "cli/signals.hpp"
#include "engine/runner.hpp"
#include "sandbox/sandbox_server.hpp"
#include "util/clock.hpp"
#include "util/text.hpp"

namespace oneall::cli {
namespace {

std::string summary_json(std::int64_t run_id, const engine::RunSummary& s, int exit_code) {
  return fmt::format(
      R"({{"run_id":{},"requests":{},"succeeded":{},"failed":{},"dead":{},"retries":{},)"
      R"("duration_ms":{},"stopped_early":{},"exit_code":{}}})",
      run_id, s.requests, s.succeeded, s.failed, s.dead, s.retries, s.duration_ms,
      s.stopped_early ? "true" : "false", exit_code);
}

// Exit code from what is left in scope (the batch, or the whole queue) after the run.
int exit_code_for(const store::QueueStatus& status, std::optional<std::int64_t> batch,
                  bool stopped_early) {
  std::map<store::JobState, std::int64_t> counts = status.by_state;
  if (batch) {
    counts.clear();
    for (const auto& b : status.batches) {
      if (b.batch_id == *batch) counts = b.by_state;
    }
  }
  auto count = [&](store::JobState state) {
    auto it = counts.find(state);
    return it == counts.end() ? 0 : it->second;
  };
  const bool work_left = count(store::JobState::kPending) + count(store::JobState::kRunning) > 0;
  if (stopped_early && work_left) return kExitStoppedEarly;
  if (count(store::JobState::kFailed) + count(store::JobState::kDead) > 0) return kExitJobsFailed;
  if (work_left) return kExitStoppedEarly;
  return kExitOk;
}

class RunCommand final : public Command {
 public:
  explicit RunCommand(CLI::App& app)
      : sub_(app.add_subcommand("run", "Import job files (if any), then send the queued jobs")) {
    sub_->footer(
        "Credentials come from ONEALL_SUBDOMAIN, ONEALL_PUBLIC_KEY and ONEALL_PRIVATE_KEY;\n"
        "with --sandbox the built-in emulator is started on 127.0.0.1 and used instead.\n"
        "Exit status: 0 all jobs in scope succeeded, 1 some failed or are dead, 2 bad usage or\n"
        "invalid job file, 4 stopped early with work left, 5 storage or system error.");
    sub_->add_option("files", files_, "Job files to import before running");
    sub_->add_option("--identity", identity_,
                     "Identity token for CSV rows that have no identity of their own");
    sub_->add_option("--concurrency", options_.concurrency, "Requests in flight")
        ->check(CLI::Range(1, 1024))
        ->capture_default_str();
    sub_->add_option("--max-attempts", options_.max_attempts,
                     "Attempts per job before it is dead (retryable errors only)")
        ->check(CLI::Range(1, 100))
        ->capture_default_str();
    sub_->add_option("--timeout", timeout_seconds_, "Per-request timeout in seconds")
        ->check(CLI::Range(0.1, 3600.0))
        ->capture_default_str();
    sub_->add_option("--endpoint", endpoint_,
                     "API root URL (default https://{subdomain}.api.oneall.com); http:// only "
                     "for loopback");
    sub_->add_option("--cacert", cacert_, "CA certificate file to verify the API's TLS with")
        ->check(CLI::ExistingFile);
    sub_->add_option("--batch", batch_, "Work only this batch id");
    sub_->add_flag("--sandbox", sandbox_,
                   "Start the built-in API emulator on 127.0.0.1 and send to it");
    sub_->add_option("--sandbox-latency", sandbox_latency_ms_,
                     "With --sandbox: milliseconds the emulator waits before each answer")
        ->check(CLI::Range(0, 60'000));
    sub_->add_flag("--json", json_, "Print the run summary as one JSON object on stdout");
    sub_->get_option("--sandbox")->excludes(sub_->get_option("--endpoint"));
  }

  CLI::App& subcommand() override { return *sub_; }

  int run(const GlobalOptions& global, Streams streams) override {
    jobfile::ReadOptions read_options;
    if (!identity_.empty()) read_options.identity = identity_;
    if (!files_.empty() && !all_valid(check_job_files(files_, read_options, streams.err))) {
      streams.err << "nothing was queued or sent: fix the problems above and run again\n";
      return kExitUsage;
    }

    std::optional<sandbox::SandboxServer> sandbox;
    if (sandbox_) {
      sandbox::SandboxOptions sandbox_options;
      sandbox_options.latency_ms = sandbox_latency_ms_;
      // One sandbox thread per connection the runner may hold, and a few for scripts.
      sandbox_options.threads = std::max(sandbox_options.threads, options_.concurrency + 8);
      sandbox.emplace(sandbox_options);
      auto port = sandbox->start();
      if (!port) {
        streams.err << "cannot start the sandbox: " << port.error().message << '\n';
        return kExitStorage;
      }
      options_.credentials = api::sandbox_credentials();
      options_.api_root = sandbox->base_url();
    } else {
      auto credentials = api::credentials_from_env();
      if (!credentials) {
        streams.err << credentials.error().message << '\n';
        return kExitUsage;
      }
      options_.credentials = *credentials;
      auto root = api::api_root(options_.credentials, endpoint_);
      if (!root) {
        streams.err << root.error().message << '\n';
        return kExitUsage;
      }
      options_.api_root = *root;
    }
    if (!cacert_.empty()) options_.cacert = cacert_;
    options_.batch = batch_;
    options_.timeout_ms = static_cast<std::int64_t>(timeout_seconds_ * 1000);

    SystemClock clock;
    auto queue = open_queue(global, clock, streams.err);
    if (!queue) return kExitStorage;
    if (!files_.empty()) {
      auto imported = queue_job_files(*queue, files_, read_options);
      if (!imported) {
        streams.err << imported.error().message << '\n';
        return kExitStorage;
      }
      streams.err << describe_import(*imported) << '\n';
    }

    const std::string options_json = fmt::format(
        R"({{"endpoint":{},"concurrency":{},"max_attempts":{},"timeout_ms":{},"sandbox":{}}})",
        json_string(options_.api_root), options_.concurrency, options_.max_attempts,
        options_.timeout_ms, sandbox_ ? "true" : "false");
    auto run_id = queue->begin_run(options_json);
    if (!run_id) {
      streams.err << run_id.error().message << '\n';
      return kExitStorage;
    }
    streams.err << fmt::format("run {}: sending to {}{}\n", *run_id, options_.api_root,
                               sandbox_ ? " (sandbox)" : "");

    engine::Runner runner(*queue, options_, clock, install_stop_signals());
    auto summary = runner.run(*run_id);
    if (!summary) {
      streams.err << "run stopped: " << summary.error().message << '\n';
      (void)queue->end_run(*run_id, kExitStorage, "{}");
      return kExitStorage;
    }
    auto status = queue->status();
    if (!status) {
      streams.err << status.error().message << '\n';
      return kExitStorage;
    }
    const int exit_code = exit_code_for(*status, batch_, summary->stopped_early);
    const std::string json = summary_json(*run_id, *summary, exit_code);
    if (auto ended = queue->end_run(*run_id, exit_code, json); !ended) {
      streams.err << ended.error().message << '\n';
      return kExitStorage;
    }
    print_summary(streams, *run_id, *summary, exit_code);
    if (json_) streams.out << json << '\n';
    return exit_code;
  }

 private:
  void print_summary(Streams streams, std::int64_t run_id, const engine::RunSummary& s,
                     int exit_code) const {
    const double seconds = static_cast<double>(s.duration_ms) / 1000.0;
    const double rate = seconds > 0 ? static_cast<double>(s.requests) / seconds : 0.0;
    streams.err << fmt::format(
        "run {}: {} requests in {:.1f} s ({:.0f}/s): {} succeeded, {} failed, {} dead, {} to "
        "retry{}\n",
        run_id, s.requests, seconds, rate, s.succeeded, s.failed, s.dead, s.retries,
        s.stopped_early ? "; stopped early" : "");
    if (!s.stop_reason.empty()) streams.err << "stopped early: " << s.stop_reason << '\n';
    if (exit_code == kExitJobsFailed) {
      streams.err << "some jobs failed or are dead: see `oneall-bulk status` and "
                     "`oneall-bulk audit`\n";
    }
  }

  CLI::App* sub_;
  std::vector<std::string> files_;
  std::string identity_;
  engine::RunOptions options_;
  double timeout_seconds_ = 30.0;
  std::optional<std::string> endpoint_;
  std::string cacert_;
  std::optional<std::int64_t> batch_;
  bool sandbox_ = false;
  int sandbox_latency_ms_ = 0;
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> make_run_command(CLI::App& app) {
  return std::make_unique<RunCommand>(app);
}

}  // namespace oneall::cli
