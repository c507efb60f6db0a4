// `run [FILE...]`: imports the files (if any), then works the queue until nothing is runnable,
// against the configured API root, an --endpoint, or the in-process sandbox (--sandbox). Only
// one run works a database at a time (run_lock); --dry-run prints instead of sending.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <ostream>

#include "cli/api_target.hpp"
#include "cli/command.hpp"
#include "cli/dry_run.hpp"
#include "cli/duration_arg.hpp"
#include "cli/exit_codes.hpp"
#include "cli/job_files.hpp"
#include "cli/open_queue.hpp"
#include "cli/progress_line.hpp"
#include "cli/rate_arg.hpp"
#include "cli/run_lock.hpp"
#include "cli/run_outcome.hpp"
#include "cli/signals.hpp"
#include "engine/runner.hpp"
#include "sandbox/sandbox_server.hpp"
#include "util/clock.hpp"
#include "util/text.hpp"

namespace oneall::cli {
namespace {

// What a queue run on the in-process sandbox is bound to (Queue::bind_api_root).
constexpr const char* kSandboxRoot = "sandbox";

// A CLI11 check that runs one of our parsers, so a bad value is a usage error (exit 2) with the
// parser's own message.
template <class Parse>
CLI::Validator checked_by(Parse parse, const char* what) {
  return CLI::Validator(
      [parse](std::string& text) -> std::string {
        auto parsed = parse(text);
        return parsed ? std::string() : parsed.error().message;
      },
      what);
}

class RunCommand final : public Command {
 public:
  explicit RunCommand(CLI::App& app)
      : sub_(app.add_subcommand("run", "Import job files (if any), then send the queued jobs")) {
    sub_->footer(
        "Credentials come from ONEALL_SUBDOMAIN, ONEALL_PUBLIC_KEY and ONEALL_PRIVATE_KEY,\n"
        "or the credentials file (--config); with --sandbox the built-in emulator is\n"
        "started on 127.0.0.1 and used instead.\n"
        "One run per database: a second one exits 3 and says which process holds it.\n"
        "SIGINT/SIGTERM stop taking work and finish what is in flight (exit 4); a second\n"
        "signal exits at once, and the next run takes up what was left.\n"
        "Exit status: 0 all jobs in scope succeeded, 1 some failed or are dead, 2 bad usage or\n"
        "invalid job file, 3 another run holds the database, 4 stopped early with work left\n"
        "(signal, deadline, circuit breaker), 5 storage or system error.");
    sub_->add_option("files", files_, "Job files to import before running");
    sub_->add_option("--identity", identity_,
                     "Identity token for CSV rows that have no identity of their own");
    sub_->add_option("--concurrency", options_.concurrency, "Requests in flight")
        ->check(CLI::Range(1, 1024))
        ->capture_default_str();
    sub_->add_option("--rate", rate_,
                     "Requests per second for the whole run: 20, 20/s, 1200/min, 300/h "
                     "(default: no limit)")
        ->check(checked_by(parse_rate, "RATE"));
    sub_->add_option("--identity-rate", identity_rate_,
                     "Requests per second for each identity token, same forms as --rate")
        ->check(checked_by(parse_rate, "RATE"));
    sub_->add_option("--deadline", deadline_,
                     "Stop taking new work this long after the start (90s, 15m, 2h, 1h30m, or "
                     "seconds); exit 4 if work is left")
        ->check(checked_by(parse_duration_ms, "DURATION"));
    sub_->add_option("--max-attempts", options_.max_attempts,
                     "Attempts per job before it is dead (retryable errors only)")
        ->check(CLI::Range(1, 100))
        ->capture_default_str();
    sub_->add_option("--retry-base", retry_base_,
                     "Backoff before the first retry, doubled each attempt (a random wait up to "
                     "it: full jitter): 500ms, 2s, ... (default 500ms)")
        ->check(checked_by(parse_duration_ms, "DURATION"));
    sub_->add_option("--retry-cap", retry_cap_,
                     "The longest backoff between attempts (default 60s); a Retry-After header "
                     "may ask for longer")
        ->check(checked_by(parse_duration_ms, "DURATION"));
    sub_->add_option("--max-auth-failures", options_.breaker_threshold,
                     "Stop the run (exit 4) after this many 401/403 answers in a row: wrong "
                     "keys or revoked consent (0: never)")
        ->check(CLI::Range(0, 1'000'000))
        ->capture_default_str();
    sub_->add_option("--timeout", timeout_seconds_, "Per-request timeout in seconds")
        ->check(CLI::Range(0.1, 3600.0))
        ->capture_default_str();
    target_.add_options(*sub_);
    sub_->add_option("--batch", batch_, "Work only this batch id");
    sub_->add_flag("--dry-run", dry_run_,
                   "Print each request that would be sent (method, path, body) and send "
                   "nothing: the files' jobs without queuing them, or the queue's pending jobs");
    sub_->add_flag("--sandbox", sandbox_,
                   "Start the built-in API emulator on 127.0.0.1 and send to it");
    sub_->add_option("--sandbox-latency", sandbox_latency_ms_,
                     "With --sandbox: milliseconds from each request's arrival to its answer")
        ->check(CLI::Range(0, 60'000));
    sub_->add_flag("--quiet", quiet_,
                   "No progress line and no notes on stderr; the summary only when the exit "
                   "status is not 0 (for cron)");
    sub_->add_flag("--json", json_, "Print the run summary as one JSON object on stdout");
    sub_->get_option("--sandbox")->excludes(target_.endpoint_option());
  }

  CLI::App& subcommand() override { return *sub_; }

  int run(const GlobalOptions& given, Streams streams) override {
    // A rehearsal keeps its own queue unless one is named (docs/cli.md, "Rehearse, then go
    // live"): jobs that succeeded against the sandbox must not look done to the real run.
    GlobalOptions global = given;
    if (sandbox_ && global.db_source == DbSource::kDefault) {
      global.db = kSandboxDb;
      global.db_source = DbSource::kSandboxDefault;
    }
    SystemClock clock;
    const EpochMs started_at = clock.now_ms();  // a cron window counts from the start
    if (auto failed = apply_limits(started_at); failed) {
      streams.err << *failed << '\n';
      return kExitUsage;
    }

    jobfile::ReadOptions read_options;
    if (!identity_.empty()) read_options.identity = identity_;
    if (!files_.empty() && !all_valid(check_job_files(files_, read_options, streams.err))) {
      streams.err << "nothing was queued or sent: fix the problems above and run again\n";
      return kExitUsage;
    }
    if (dry_run_) {
      if (!target_.endpoint_usable(streams.err)) return kExitUsage;
      return dry_run(global, clock, read_options, streams);
    }

    if (!sandbox_ && !target_.use_configured_api(options_, streams.err)) return kExitUsage;
    if (!target_.use_cacert(options_, streams.err)) return kExitUsage;

    if (int malformed = check_queue_location(global, streams.err); malformed != kExitOk) {
      return malformed;
    }
    auto lock = RunLock::try_acquire(global.db, started_at);
    if (!lock) {
      streams.err << lock.error().message << '\n';
      return kExitStorage;
    }
    if (!lock->owns_lock()) {
      streams.err << fmt::format(
          "another run is working on {}: {}.\nWait for it to end, or stop it with SIGTERM; a "
          "run that dies releases the lock ({}) by itself.\n",
          shown_db(global), lock->holder(), lock->path());
      return kExitLocked;
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
    }
    options_.batch = batch_;
    options_.timeout_ms = static_cast<std::int64_t>(timeout_seconds_ * 1000);

    auto opened = open_queue(global, clock, streams.err, store::QueueOpen::kCreateIfMissing);
    if (!opened.queue) return opened.exit_code;
    store::Queue& queue = *opened.queue;
    if (!quiet_) streams.err << queue_line(global, queue) << '\n';
    if (int refused = bind_api_root(global, queue, streams.err); refused != kExitOk) return refused;
    if (!files_.empty()) {
      auto imported = queue_job_files(queue, files_, read_options);
      if (!imported) {
        streams.err << imported.error().message << '\n';
        return kExitStorage;
      }
      if (!quiet_) streams.err << describe_import(*imported) << '\n';
    } else if (queue.created_now() && !quiet_) {
      streams.err << fmt::format(
          "the queue {} did not exist and was created just now, empty: import jobs into it, or "
          "name the queue that holds them with --db\n",
          shown_db(global));
    }
    return work_queue(global, queue, clock, streams);
  }

 private:
  // --rate, --identity-rate, --deadline, --retry-base, --retry-cap into RunOptions; the message
  // of the first bad one.
  std::optional<std::string> apply_limits(EpochMs started_at) {
    // Parses `text` of `flag` (already checked by CLI11) and stores it through `store`.
    std::optional<std::string> problem;
    const auto parse_into = [&](const std::optional<std::string>& text, const char* flag,
                                auto parse, auto store) {
      if (!text || problem) return;
      auto parsed = parse(*text);
      if (!parsed) {
        problem = std::string(flag) + ": " + parsed.error().message;
        return;
      }
      store(*parsed);
    };
    parse_into(rate_, "--rate", parse_rate, [&](double r) { options_.rate = r; });
    parse_into(identity_rate_, "--identity-rate", parse_rate,
               [&](double r) { options_.identity_rate = r; });
    parse_into(deadline_, "--deadline", parse_duration_ms,
               [&](std::int64_t ms) { options_.deadline = started_at + ms; });
    parse_into(retry_base_, "--retry-base", parse_duration_ms,
               [&](std::int64_t ms) { options_.retry_base_ms = ms; });
    parse_into(retry_cap_, "--retry-cap", parse_duration_ms,
               [&](std::int64_t ms) { options_.retry_cap_ms = ms; });
    if (problem) return problem;
    if (options_.retry_cap_ms < options_.retry_base_ms) {
      return fmt::format("--retry-cap ({} ms) must not be below --retry-base ({} ms)",
                         options_.retry_cap_ms, options_.retry_base_ms);
    }
    return std::nullopt;
  }

  // A queue's job states are true of one API root: the first run binds the queue to its root
  // ("sandbox" for the in-process emulator, whose port changes from run to run), and a run
  // against another is refused, so that a rehearsal's successes never stand in for the real
  // run. Returns kExitOk, or the exit code with the reason written to `err`.
  int bind_api_root(const GlobalOptions& global, store::Queue& queue, std::ostream& err) const {
    const std::string root = sandbox_ ? std::string(kSandboxRoot) : options_.api_root;
    auto bound = queue.bind_api_root(root);
    if (!bound) {
      err << bound.error().message << '\n';
      return kExitStorage;
    }
    if (*bound == root) return kExitOk;
    err << fmt::format(
        "refused: the queue {} was run against {}, and this run would send to {}. Its jobs' "
        "states (succeeded, failed, ...) are what {} answered, so this run would skip jobs "
        "that were never sent here. Give this run a queue of its own (--db NEW.db, then "
        "import or run the job files again); `status --db {}` shows what the other run did.\n",
        shown_db(global), describe_root(*bound), describe_root(root), describe_root(*bound),
        shown_db(global));
    return kExitUsage;
  }

  static std::string describe_root(const std::string& root) {
    return root == kSandboxRoot ? std::string("the built-in sandbox (run --sandbox)") : root;
  }

  // Reads only: needs no credentials and no lock, and creates no database.
  int dry_run(const GlobalOptions& global, const Clock& clock,
              const jobfile::ReadOptions& read_options, Streams streams) {
    if (!files_.empty()) return dry_run_files(files_, read_options, json_, streams);
    auto opened = open_queue(global, clock, streams.err, store::QueueOpen::kExistingOnly);
    if (!opened.queue) return opened.exit_code;
    return dry_run_queue(*opened.queue, batch_, json_, streams);
  }

  int work_queue(const GlobalOptions& global, store::Queue& queue, const Clock& clock,
                 Streams streams) {
    auto run_id = queue.begin_run(options_json());
    if (!run_id) {
      streams.err << run_id.error().message << '\n';
      return kExitStorage;
    }
    // After begin_run, which returns the jobs of crashed runs to pending.
    auto before = queue.status();
    if (!before) {
      streams.err << before.error().message << '\n';
      (void)queue.end_run(*run_id, kExitStorage, "{}");
      return kExitStorage;
    }
    const std::int64_t total = count_scope(*before, batch_).left();
    if (!quiet_) {
      streams.err << fmt::format("run {}: {} job(s) to send to {}{}\n", *run_id, total,
                                 options_.api_root, sandbox_ ? " (sandbox)" : "");
    }

    engine::Runner runner(queue, options_, clock, install_stop_signals());
    std::optional<ProgressLine> progress;
    if (const auto width = terminal_width(STDERR_FILENO); width && !quiet_) {
      progress.emplace(streams.err, clock, total, *width);
      runner.on_progress(
          [&progress](const engine::RunSummary& so_far) { progress->update(so_far); });
    }
    auto summary = runner.run(*run_id);
    if (progress) progress->finish();
    if (!summary) {
      streams.err << "run stopped: " << summary.error().message << '\n';
      (void)queue.end_run(*run_id, kExitStorage, "{}");
      return kExitStorage;
    }

    auto after = queue.status();
    if (!after) {
      streams.err << after.error().message << '\n';
      (void)queue.end_run(*run_id, kExitStorage, "{}");
      return kExitStorage;
    }
    const ScopeCounts scope = count_scope(*after, batch_);
    const int exit_code = run_exit_code(scope, summary->stopped_early);
    const std::string json =
        with_queue_field(global, run_summary_json(*run_id, *summary, scope, exit_code));
    if (auto ended = queue.end_run(*run_id, exit_code, json); !ended) {
      streams.err << ended.error().message << '\n';
      return kExitStorage;
    }
    if (!quiet_ || exit_code != kExitOk) {
      streams.err << run_summary_text(*run_id, *summary, scope, exit_code);
    }
    if (json_) streams.out << json << '\n';
    return exit_code;
  }

  // What the runs table keeps about how this run was started (never credentials).
  std::string options_json() const {
    auto optional_number = [](const auto& value) {
      return value ? fmt::format("{}", *value) : std::string("null");
    };
    return fmt::format(
        R"({{"endpoint":{},"concurrency":{},"max_attempts":{},"timeout_ms":{},"sandbox":{},)"
        R"("rate_per_s":{},"identity_rate_per_s":{},"deadline":{},"max_auth_failures":{},)"
        R"("batch":{}}})",
        json_string(options_.api_root), options_.concurrency, options_.max_attempts,
        options_.timeout_ms, sandbox_ ? "true" : "false", optional_number(options_.rate),
        optional_number(options_.identity_rate),
        options_.deadline ? json_string(format_utc_ms(*options_.deadline)) : "null",
        options_.breaker_threshold, optional_number(batch_));
  }

  CLI::App* sub_;
  std::vector<std::string> files_;
  std::string identity_;
  engine::RunOptions options_;
  std::optional<std::string> rate_;
  std::optional<std::string> identity_rate_;
  std::optional<std::string> deadline_;
  std::optional<std::string> retry_base_;
  std::optional<std::string> retry_cap_;
  double timeout_seconds_ = 30.0;
  ApiTarget target_;
  std::optional<std::int64_t> batch_;
  bool dry_run_ = false;
  bool sandbox_ = false;
  int sandbox_latency_ms_ = 0;
  bool quiet_ = false;
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> make_run_command(CLI::App& app) {
  return std::make_unique<RunCommand>(app);
}

}  // namespace oneall::cli
