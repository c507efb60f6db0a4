// `status`: how many jobs are in each state, per batch, the last run, the runs working the
// queue now (many at once on PostgreSQL) and the paused scopes; as text, JSON, or Prometheus
// gauges (queue_metrics).
#include <fmt/format.h>

#include <ostream>

#include "cli/command.hpp"
#include "cli/exit_codes.hpp"
#include "cli/latency_report.hpp"
#include "cli/open_queue.hpp"
#include "cli/queue_metrics.hpp"
#include "cli/state_counts_json.hpp"
#include "store/queue.hpp"
#include "util/clock.hpp"
#include "util/text.hpp"

namespace oneall::cli {
namespace {

std::int64_t total(const std::map<store::JobState, std::int64_t>& counts) {
  std::int64_t sum = 0;
  for (const auto& [state, n] : counts) sum += n;
  return sum;
}

// The pending jobs waiting for their not_before (docs/formats.md#scheduled-jobs), as JSON fields.
std::string scheduled_json(std::int64_t scheduled, std::optional<EpochMs> next) {
  return fmt::format(R"("scheduled":{},"next_scheduled_at":{})", scheduled,
                     next ? json_string(format_utc_ms(*next)) : "null");
}

// "  (3 of them scheduled, the next due at ...)" under a counts line; nothing when none are.
void print_scheduled(std::ostream& out, std::int64_t scheduled, std::optional<EpochMs> next) {
  if (scheduled == 0 || !next) return;
  out << fmt::format("  {} of the pending scheduled for later, the next due at {}\n", scheduled,
                     format_utc_ms(*next));
}

std::string status_json(const GlobalOptions& global, const store::QueueStatus& status,
                        const store::LatencySummary& latency) {
  std::string batches;
  for (const auto& b : status.batches) {
    if (!batches.empty()) batches += ',';
    batches += fmt::format(
        R"({{"id":{},"description":{},"created_at":"{}","total":{},"states":{},{}}})", b.batch_id,
        json_string(b.description), format_utc_ms(b.created_at), total(b.by_state),
        state_counts_json(b.by_state), scheduled_json(b.scheduled, b.next_scheduled_at));
  }
  std::string last_run = "null";
  if (const auto& r = status.last_run) {
    last_run =
        fmt::format(R"({{"id":{},"started_at":"{}","ended_at":{},"exit_code":{},"attempts":{}}})",
                    r->run_id, format_utc_ms(r->started_at),
                    r->ended_at ? json_string(format_utc_ms(*r->ended_at)) : "null",
                    r->exit_code ? std::to_string(*r->exit_code) : "null", r->attempts);
  }
  std::string live_runs;
  for (const auto& r : status.live_runs) {
    if (!live_runs.empty()) live_runs += ',';
    live_runs += fmt::format(
        R"({{"id":{},"host":{},"pid":{},"started_at":"{}","heartbeat_at":"{}"}})", r.run_id,
        json_string(r.host), r.pid, format_utc_ms(r.started_at), format_utc_ms(r.heartbeat_at));
  }
  std::string paused;
  for (const auto& p : status.paused) {
    if (!paused.empty()) paused += ',';
    paused += fmt::format(R"({{"scope":{},"paused_at":"{}","by":{}}})", json_string(p.scope()),
                          format_utc_ms(p.paused_at), json_string(p.paused_by));
  }
  return with_queue_field(
      global,
      fmt::format(R"({{"total":{},"states":{},{},"batches":[{}],"last_run":{},)"
                  R"("live_runs":[{}],"paused":[{}],"api_root":{},"latency_ms":{},"exit_code":0}})",
                  total(status.by_state), state_counts_json(status.by_state),
                  scheduled_json(status.scheduled, status.next_scheduled_at), batches, last_run,
                  live_runs, paused, status.api_root ? json_string(*status.api_root) : "null",
                  latency_json(latency)));
}

void print_counts(std::ostream& out, const std::map<store::JobState, std::int64_t>& counts) {
  std::string line;
  for (store::JobState state : store::kAllJobStates) {
    auto it = counts.find(state);
    const std::int64_t n = it == counts.end() ? 0 : it->second;
    if (n > 0) line += fmt::format("  {} {}", n, store::state_name(state));
  }
  out << (line.empty() ? "  (empty)" : line) << '\n';
}

class StatusCommand final : public Command {
 public:
  explicit StatusCommand(CLI::App& app)
      : sub_(app.add_subcommand("status", "Show jobs per state, per batch, and the last run")) {
    sub_->footer(
        "Exit status: 0 shown, 2 bad usage or no queue at the path, 5 storage or system error.");
    auto* format = sub_->add_option("--format", format_,
                                    "Output format: text, json (one JSON object) or prometheus "
                                    "(the queue's gauges in Prometheus text format)")
                       ->check(CLI::IsMember({"text", "json", "prometheus"}))
                       ->capture_default_str();
    sub_->add_flag("--json", json_, "Print one JSON object (--format json)")->excludes(format);
  }

  CLI::App& subcommand() override { return *sub_; }

  int run(const GlobalOptions& global, Streams streams) override {
    SystemClock clock;
    auto opened = open_queue(global, clock, streams.err, store::QueueOpen::kExistingOnly);
    if (!opened.queue) return opened.exit_code;
    auto status = opened.queue->status();
    if (!status) {
      streams.err << status.error().message << '\n';
      return kExitStorage;
    }
    // Over the whole attempt log, as the counts are over the whole queue (docs/cli.md#latency).
    auto latency = opened.queue->latency({});
    if (!latency) {
      streams.err << latency.error().message << '\n';
      return kExitStorage;
    }
    if (json_ || format_ == "json") {
      streams.out << status_json(global, *status, *latency) << '\n';
      return kExitOk;
    }
    if (format_ == "prometheus") {
      streams.out << queue_metrics_text(*status, clock.now_ms()) << latency_metrics_text(*latency);
      return kExitOk;
    }
    streams.out << queue_line(global, *opened.queue) << '\n';
    streams.out << fmt::format("api root: {}\n",
                               status->api_root.value_or("none yet (bound by the first run)"));
    streams.out << fmt::format("{} jobs:", total(status->by_state));
    print_counts(streams.out, status->by_state);
    print_scheduled(streams.out, status->scheduled, status->next_scheduled_at);
    for (const auto& b : status->batches) {
      streams.out << fmt::format("batch {} ({}, {}):", b.batch_id, b.description,
                                 format_utc_ms(b.created_at));
      print_counts(streams.out, b.by_state);
      print_scheduled(streams.out, b.scheduled, b.next_scheduled_at);
    }
    if (const auto& r = status->last_run) {
      streams.out << fmt::format(
          "last run {}: started {}, {}, {} attempts\n", r->run_id, format_utc_ms(r->started_at),
          r->ended_at ? fmt::format("ended {} with exit {}", format_utc_ms(*r->ended_at),
                                    r->exit_code.value_or(-1))
                      : std::string("not ended (running or crashed)"),
          r->attempts);
    }
    streams.out << "latency: " << latency_text(*latency) << '\n';
    for (const auto& r : status->live_runs) {
      streams.out << fmt::format("running: run {}, pid {} on host {}, since {}, heartbeat {}\n",
                                 r.run_id, r.pid, r.host, format_utc_ms(r.started_at),
                                 format_utc_ms(r.heartbeat_at));
    }
    for (const auto& p : status->paused) {
      streams.out << fmt::format("paused: {} since {} by {} (`oneall-bulk resume{}` undoes it)\n",
                                 p.scope(), format_utc_ms(p.paused_at), p.paused_by,
                                 p.batch_id ? fmt::format(" --batch {}", *p.batch_id) : "");
    }
    return kExitOk;
  }

 private:
  CLI::App* sub_;
  bool json_ = false;
  std::string format_ = "text";
};

}  // namespace

std::unique_ptr<Command> make_status_command(CLI::App& app) {
  return std::make_unique<StatusCommand>(app);
}

}  // namespace oneall::cli
