// `run [FILE...]`: imports the files (if any), then works the queue until nothing is runnable,
// against the configured API root, an --endpoint, or the in-process sandbox (--sandbox). Only
// one run works a SQLite queue at a time (run_lock); a PostgreSQL queue takes many at once, on
// any hosts (docs/cli.md#many-runners). --dry-run prints instead of sending.
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
#include "cli/identity_option.hpp"
#include "cli/job_files.hpp"
#include "cli/known_ids.hpp"
#include "cli/metrics_file.hpp"
#include "cli/open_queue.hpp"
#include "cli/parsed_option.hpp"
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

class RunCommand final : public Command {
 public:
  explicit RunCommand(CLI::App& app)
      : sub_(app.add_subcommand("run", "Import job files (if any), then send the queued jobs")) {
    sub_->footer(
        "Credentials come from ONEALL_SUBDOMAIN, ONEALL_PUBLIC_KEY and ONEALL_PRIVATE_KEY,\n"
        "or the credentials file (--config); with --sandbox the built-in emulator is\n"
        "started on 127.0.0.1 and used instead.\n"
        "One run per SQLite queue: a second one exits 3 and says which process holds it.\n"
        "A PostgreSQL queue takes any number of runs at once, on any hosts.\n"
        "SIGINT/SIGTERM stop taking work and finish what is in flight (exit 4); a second\n"
        "signal exits at once, and the next run takes up what was left.\n" +
        duration_help() +
        "\nA RATE is a number of requests per second, or per a DURATION or a unit: 20, 20/s,\n"
        "1200/min, 300/hour, 100/90s.\n"
        "Exit status: 0 all jobs in scope succeeded, 1 some failed or are dead, 2 bad usage,\n"
        "invalid job file or a queue run against another API root, 3 another run holds the\n"
        "database, 4 stopped early with work left (signal, deadline, circuit breaker), 5 storage\n"
        "or system error.");
    sub_->add_option("files", files_, "Job files to import before running");
    add_identity_option(*sub_, identity_);
    sub_->add_option("--concurrency", options_.concurrency, "Requests in flight")
        ->check(CLI::Range(1, 1024))
        ->capture_default_str();
    add_parsed_option(*sub_, "--rate", options_.rate, parse_rate,
                      "Requests per second for the whole run: a number, or a number per an "
                      "amount of time: 20, 20/s, 1200/min, 300/hour, 100/90s (default: no limit)")
        ->type_name("RATE");
    add_parsed_option(*sub_, "--identity-rate", options_.identity_rate, parse_rate,
                      "Requests per second for each identity token, same forms as --rate")
        ->type_name("RATE");
    add_parsed_option(*sub_, "--deadline", deadline_ms_, parse_duration_ms,
                      "Stop taking new work this long after the start; exit 4 if work is left")
        ->type_name("DURATION");
    sub_->add_option("--max-attempts", options_.max_attempts,
                     "Attempts per job before it is dead (retryable errors only)")
        ->check(CLI::Range(1, 100))
        ->capture_default_str();
    add_parsed_option(*sub_, "--retry-base", options_.retry_base_ms, parse_duration_ms,
                      "Backoff before the first retry, doubled each attempt (a random wait up to "
                      "it: full jitter)")
        ->type_name("DURATION")
        ->default_str("500ms");
    add_parsed_option(*sub_, "--retry-cap", options_.retry_cap_ms, parse_duration_ms,
                      "The longest backoff between attempts; a Retry-After header may ask for "
                      "longer")
        ->type_name("DURATION")
        ->default_str("60s");
    sub_->add_option("--max-auth-failures", options_.breaker_threshold,
                     "Stop the run (exit 4) after this many 401/403 answers in a row: wrong "
                     "keys or revoked consent (0: never)")
        ->check(CLI::Range(0, 1'000'000))
        ->capture_default_str();
    add_parsed_option(*sub_, "--timeout", options_.timeout_ms, parse_timeout_ms,
                      "Per-request timeout, 100ms to 1h")
        ->type_name("DURATION")
        ->default_str("30s");
    add_parsed_option(*sub_, "--lease", lease_ms_, parse_duration_ms,
                      "How long a claimed job stays this run's without renewal (renewed every "
                      "third of it); a run that dies or loses its database gives its jobs back "
                      "after it. At least twice (--timeout + 1s); default 2min or that minimum")
        ->type_name("DURATION");
    sub_->add_flag("--missing-ok", options_.missing_ok,
                   "A delete answered 404 succeeds (note already_gone) even on its first "
                   "attempt: the object was deleted by hand, or never there");
    target_.add_options(*sub_);
    sub_->add_option("--batch", batch_, "Work only this batch id");
    sub_->add_flag("--dry-run", dry_run_,
                   "Print each request that would be sent (method, path, body) and send "
                   "nothing: the files' jobs without queuing them, or the queue's pending jobs");
    sub_->add_flag("--sandbox", sandbox_,
                   "Start the built-in API emulator on 127.0.0.1 and send to it");
    sub_->add_option("--sandbox-latency", sandbox_latency_ms_,
                     "With --sandbox: milliseconds from each request's arrival to its answer")
        ->check(CLI::Range(0, 60'000))
        ->capture_default_str()
        ->needs("--sandbox");
    sub_->add_flag("--quiet", quiet_,
                   "No progress line, notes or stop notice on stderr; the summary only when the "
                   "exit status is not 0 (for cron)");
    sub_->add_flag("--json", json_, "Print the run summary as one JSON object on stdout");
    sub_->add_option("--metrics-file", metrics_path_,
                     "Keep the run's metrics in this file, in Prometheus text format, for "
                     "node_exporter's textfile collector: written whole at the start, every 5s "
                     "and at the end")
        ->type_name("PATH");
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
    if (deadline_ms_) options_.deadline = started_at + *deadline_ms_;
    // Fencing (docs/cli.md#many-runners): a request must be able to end well within the lease
    // left after a renewal, two thirds of it.
    const std::int64_t shortest_lease = 2 * (options_.timeout_ms + 1'000);
    if (lease_ms_ && *lease_ms_ < shortest_lease) {
      streams.err << fmt::format(
          "--lease ({} ms) must be at least twice --timeout plus one second ({} ms): a request "
          "must be able to end before the lease it is sent under runs out\n",
          *lease_ms_, shortest_lease);
      return kExitUsage;
    }
    options_.lease_ms = lease_ms_.value_or(std::max(options_.lease_ms, shortest_lease));
    if (options_.retry_cap_ms < options_.retry_base_ms) {
      streams.err << fmt::format("--retry-cap ({} ms) must not be below --retry-base ({} ms)\n",
                                 options_.retry_cap_ms, options_.retry_base_ms);
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

    auto opened = open_queue(global, clock, streams.err, store::QueueOpen::kCreateIfMissing);
    if (!opened.queue) return opened.exit_code;
    store::Queue& queue = *opened.queue;
    std::optional<RunLock> lock;
    if (!queue.runs_at_once()) {
      auto acquired = RunLock::try_acquire(global.db, started_at);
      if (!acquired) {
        streams.err << acquired.error().message << '\n';
        return kExitStorage;
      }
      if (!acquired->owns_lock()) {
        streams.err << fmt::format(
            "another run is working on {}: {}.\nWait for it to end, or stop it with SIGTERM; a "
            "run that dies releases the lock ({}) by itself.\n",
            shown_db(global), acquired->holder(), acquired->path());
        return kExitLocked;
      }
      lock.emplace(std::move(acquired).value());
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
    if (!quiet_) streams.err << queue_line(global, queue) << '\n';
    // Before anything is bound, imported or sent.
    if (auto refused = refuse_unknown_batch(queue, streams)) return *refused;
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
    if (auto refused = refuse_unknown_batch(*opened.queue, streams)) return *refused;
    return dry_run_queue(*opened.queue, batch_, json_, streams);
  }

  // `run --batch 99` of a batch that is not there is a mistake, not an empty run.
  std::optional<int> refuse_unknown_batch(store::Queue& queue, Streams streams) const {
    store::JobFilter scope;
    scope.batch_id = batch_;
    return refuse_unknown_ids(queue, scope, "run", streams.err);
  }

  // The run's record in the queue is ended whatever happens, with the exit code it ends with.
  // The metrics file, if asked for, is written at the start and at the end whatever the ending.
  int work_queue(const GlobalOptions& global, store::Queue& queue, const Clock& clock,
                 Streams streams) {
    const EpochMs started_at = clock.now_ms();
    auto run_id = queue.begin_run(options_json(), options_.lease_ms);
    if (!run_id) {
      streams.err << run_id.error().message << '\n';
      return kExitStorage;
    }
    std::optional<RunMetricsFile> metrics;
    if (!metrics_path_.empty()) metrics.emplace(metrics_path_, clock, started_at);
    const Status metrics_ready = metrics ? metrics->write() : Status(Ok{});
    Result<RunEnding> ending =
        metrics_ready
            ? send_jobs(global, queue, *run_id, clock, metrics, streams)
            : Result<RunEnding>(Error{metrics_ready.error().message + "; nothing was sent"});
    if (ending) {
      if (Status ended = queue.end_run(*run_id, ending->exit_code, ending->json); !ended) {
        ending = ended.error();
      }
    } else {
      (void)queue.end_run(*run_id, kExitStorage, "{}");  // best effort: storage already failed
    }
    if (metrics && metrics_ready) {
      if (Status written =
              metrics->finish(ending ? ending->exit_code : kExitStorage, clock.now_ms());
          !written) {
        streams.err << written.error().message << '\n';
      }
    }
    if (!ending) {
      streams.err << ending.error().message << '\n';
      return kExitStorage;
    }
    if (!quiet_ || ending->exit_code != kExitOk) streams.err << ending->text;
    if (json_) streams.out << ending->json << '\n';
    return ending->exit_code;
  }

  struct RunEnding {
    int exit_code = kExitOk;
    std::string text;  // the summary for stderr
    std::string json;  // the same for --json and the runs table
  };

  Result<RunEnding> send_jobs(const GlobalOptions& global, store::Queue& queue, std::int64_t run_id,
                              const Clock& clock, std::optional<RunMetricsFile>& metrics,
                              Streams streams) {
    // After begin_run, which returns the jobs of crashed runs to pending.
    auto before = queue.status();
    if (!before) return before.error();
    const std::int64_t total = count_scope(*before, batch_).left();
    if (!quiet_) {
      streams.err << fmt::format("run {}: {} job(s) to send to {}{}\n", run_id, total,
                                 options_.api_root, sandbox_ ? " (sandbox)" : "");
    }

    engine::Runner runner(queue, options_, clock,
                          install_stop_signals(stop_notice_for(quiet_, STDERR_FILENO)));
    std::optional<ProgressLine> progress;
    if (const auto width = terminal_width(STDERR_FILENO); width && !quiet_) {
      progress.emplace(streams.err, clock, total, *width);
    }
    if (progress || metrics) {
      runner.on_progress([&progress, &metrics](const engine::RunSummary& so_far) {
        if (progress) progress->update(so_far);
        if (metrics) metrics->update(so_far);
      });
    }
    auto summary = runner.run(run_id);
    if (progress) progress->finish();
    if (!summary) return Error{"run stopped: " + summary.error().message};

    auto after = queue.status();
    if (!after) return after.error();
    const ScopeCounts scope = count_scope(*after, batch_, run_id);
    const int exit_code = run_exit_code(scope, summary->stopped_early);
    auto latency = queue.latency({run_id, std::nullopt});
    if (!latency) return latency.error();
    return RunEnding{exit_code, run_summary_text(run_id, *summary, scope, exit_code, *latency),
                     with_queue_field(global, run_summary_json(run_id, *summary, scope, exit_code,
                                                               *latency))};
  }

  // What the runs table keeps about how this run was started (never credentials).
  std::string options_json() const {
    auto optional_number = [](const auto& value) {
      return value ? fmt::format("{}", *value) : std::string("null");
    };
    return fmt::format(
        R"({{"endpoint":{},"concurrency":{},"max_attempts":{},"timeout_ms":{},"sandbox":{},)"
        R"("rate_per_s":{},"identity_rate_per_s":{},"deadline":{},"max_auth_failures":{},)"
        R"("batch":{},"lease_ms":{},"missing_ok":{}}})",
        json_string(options_.api_root), options_.concurrency, options_.max_attempts,
        options_.timeout_ms, sandbox_ ? "true" : "false", optional_number(options_.rate),
        optional_number(options_.identity_rate),
        options_.deadline ? json_string(format_utc_ms(*options_.deadline)) : "null",
        options_.breaker_threshold, optional_number(batch_), options_.lease_ms,
        options_.missing_ok ? "true" : "false");
  }

  CLI::App* sub_;
  std::vector<std::string> files_;
  std::string identity_;
  engine::RunOptions options_;
  std::optional<std::int64_t> deadline_ms_;
  std::optional<std::int64_t> lease_ms_;
  ApiTarget target_;
  std::optional<std::int64_t> batch_;
  bool dry_run_ = false;
  bool sandbox_ = false;
  int sandbox_latency_ms_ = 0;
  bool quiet_ = false;
  bool json_ = false;
  std::string metrics_path_;
};

}  // namespace

std::unique_ptr<Command> make_run_command(CLI::App& app) {
  return std::make_unique<RunCommand>(app);
}

}  // namespace oneall::cli
