#include "audit/html_report.hpp"

#include <fmt/format.h>

#include "audit/html_text.hpp"
#include "audit/svg_charts.hpp"
#include "util/clock.hpp"

namespace oneall::audit {
namespace {

// The longest API message shown in full; longer ones are cut (the audit log has them whole).
constexpr std::size_t kMaxMessageBytes = 300;

constexpr const char* kStyle = R"(
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:960px;color:#222;padding:0 12px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.meta{color:#555;margin:0 0 12px}code{font-size:13px}
.cards{display:flex;flex-wrap:wrap;gap:8px}
.card{border:1px solid #ddd;border-radius:6px;padding:8px 14px;min-width:90px}
.card .n{display:block;font-size:22px;font-weight:600}.card .label{color:#555}
table{border-collapse:collapse;width:100%}
th,td{padding:4px 8px;border-bottom:1px solid #eee;text-align:left}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.message{word-break:break-word}
svg{width:100%;height:auto;background:#fafafa;border:1px solid #eee}
.grid{stroke:#e3e3e3}.axis{font-size:10px;fill:#555}.empty{font-size:14px;fill:#777}
.hover{fill:transparent}.hover:hover{fill:rgba(0,0,0,.07)}
.throttled{fill:#e65100}.breaker line{stroke:#b71c1c;stroke-width:1.5;stroke-dasharray:5 3}
.breaker text{font-size:10px;fill:#b71c1c}.latency{fill:#1565c0}
.legend{display:flex;flex-wrap:wrap;gap:14px;margin:6px 0;color:#444}
.swatch{display:inline-block;width:11px;height:11px;margin-right:5px;vertical-align:-1px}
.note{color:#666;font-size:13px}
)";

std::int64_t total(const store::StateCounts& counts) {
  std::int64_t sum = 0;
  for (const auto& [state, n] : counts) sum += n;
  return sum;
}

std::int64_t count_of(const store::StateCounts& counts, store::JobState state) {
  const auto it = counts.find(state);
  return it == counts.end() ? 0 : it->second;
}

std::string state_cards(const store::StateCounts& counts) {
  std::string html = fmt::format(
      R"(<div class="cards"><div class="card"><span class="n" id="state-total">{}</span>)"
      R"(<span class="label">total</span></div>)",
      total(counts));
  for (store::JobState state : store::kAllJobStates) {
    html += fmt::format(R"(<div class="card"><span class="n" id="state-{0}">{1}</span>)"
                        R"(<span class="label">{0}</span></div>)",
                        store::state_name(state), count_of(counts, state));
  }
  return html + "</div>";
}

std::string state_header() {
  std::string html;
  for (store::JobState state : store::kAllJobStates) {
    html += fmt::format(R"(<th class="num">{}</th>)", store::state_name(state));
  }
  return html + R"(<th class="num">total</th>)";
}

std::string state_cells(const store::StateCounts& counts) {
  std::string html;
  for (store::JobState state : store::kAllJobStates) {
    html += fmt::format(R"(<td class="num">{}</td>)", count_of(counts, state));
  }
  return html + fmt::format(R"(<td class="num">{}</td>)", total(counts));
}

std::string legend() {
  std::string html = R"(<div class="legend">)";
  for (std::size_t i = 0; i < store::kAttemptOutcomes.size(); ++i) {
    html += fmt::format(R"(<span><span class="swatch" style="background:{}"></span>{}</span>)",
                        kOutcomeColours[i], store::kAttemptOutcomes[i]);
  }
  return html + R"(<span><span class="swatch" style="background:#e65100">)"
                R"(</span>answered 429 (marker)</span>)"
                R"(<span><span class="swatch" style="background:#b71c1c">)"
                R"(</span>circuit breaker stop</span></div>)";
}

std::string ms_or_dash(const std::optional<std::int64_t>& ms) {
  return ms ? fmt::format("{} ms", *ms) : std::string("–");
}

std::string latency_section(const store::ReportAggregates& r) {
  return fmt::format(
      R"(<h2>Latency</h2>)"
      R"(<p>Answered requests: <b id="latency-count">{}</b> · p50 <b id="latency-p50">{}</b> · )"
      R"(p90 <b id="latency-p90">{}</b> · p99 <b id="latency-p99">{}</b></p>{})"
      R"(<p class="note">From sending a request to its HTTP answer; attempts without an answer )"
      R"((timeouts, lost connections) are not measured. Percentiles by nearest rank.</p>)",
      r.latency.count, ms_or_dash(r.latency.p50_ms), ms_or_dash(r.latency.p90_ms),
      ms_or_dash(r.latency.p99_ms), latency_histogram_svg(r));
}

std::string errors_section(const store::ReportAggregates& r) {
  std::string html = "<h2>Errors</h2>";
  if (r.errors.empty()) return html + "<p>No attempt failed.</p>";
  html += fmt::format(
      R"(<p>{} attempts did not succeed, in {} groups by HTTP status and API message.</p>)"
      R"(<table id="errors"><tr><th>HTTP status</th><th>message</th><th class="num">attempts</th>)"
      R"(<th class="num">example job</th></tr>)",
      r.errors_total, r.error_groups_total);
  std::int64_t shown = 0;
  for (const store::ErrorGroup& e : r.errors) {
    shown += e.count;
    const std::string message = e.message.empty()
                                    ? std::string("<i>(no message)</i>")
                                    : html_escape(clip_utf8(e.message, kMaxMessageBytes));
    html += fmt::format(R"(<tr><td>{}</td><td class="message">{}</td>)"
                        R"(<td class="num">{}</td><td class="num">{}</td></tr>)",
                        e.http_status ? std::to_string(*e.http_status) : "no answer", message,
                        e.count, e.example_job_id);
  }
  html += "</table>";
  if (r.error_groups_total > static_cast<std::int64_t>(r.errors.size())) {
    html += fmt::format(R"(<p class="note">And {} more groups ({} attempts); )"
                        R"(<code>oneall-bulk audit</code> lists every attempt.</p>)",
                        r.error_groups_total - static_cast<std::int64_t>(r.errors.size()),
                        r.errors_total - shown);
  }
  return html;
}

std::string batches_section(const store::ReportAggregates& r) {
  std::string html = fmt::format(R"(<h2>Batches</h2><table id="batches"><tr>)"
                                 R"(<th>batch</th><th>files</th><th>imported</th>{}</tr>)",
                                 state_header());
  for (const store::BatchCounts& b : r.batches) {
    html += fmt::format(R"(<tr><td>{}</td><td>{}</td><td>{}</td>{}</tr>)", b.batch_id,
                        html_escape(clip_utf8(b.description, kMaxMessageBytes)),
                        format_utc_ms(b.created_at), state_cells(b.by_state));
  }
  html += "</table>";
  if (r.batches_left_out > 0) {
    html += fmt::format(R"(<p class="note">And {} older batches; )"
                        R"(<code>oneall-bulk status</code> lists them all.</p>)",
                        r.batches_left_out);
  }
  return html;
}

std::string targets_section(const store::ReportAggregates& r) {
  std::string html = fmt::format(
      R"(<h2>Targets</h2><table id="targets"><tr><th>target</th>{}</tr>)", state_header());
  for (const store::TargetCounts& t : r.targets) {
    html +=
        fmt::format(R"(<tr><td>{}</td>{}</tr>)", html_escape(t.target), state_cells(t.by_state));
  }
  return html + "</table>";
}

}  // namespace

std::string html_report(const store::ReportAggregates& r, std::string_view queue) {
  const std::string scope =
      r.batch_id ? fmt::format("batch {}", *r.batch_id) : std::string("the whole queue");
  std::string html = fmt::format(
      R"(<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">)"
      R"(<meta name="viewport" content="width=device-width, initial-scale=1">)"
      R"(<meta http-equiv="Content-Security-Policy" )"
      R"(content="default-src 'none'; style-src 'unsafe-inline'">)"
      R"(<title>oneall-bulk report: {0}</title><style>{1}</style></head><body>)"
      R"(<h1>oneall-bulk report</h1>)"
      R"(<p class="meta">Queue <code>{2}</code> · <span id="scope">{0}</span> · )"
      R"(generated {3}</p><h2>Jobs by state</h2>{4})",
      scope, kStyle, html_escape(queue), format_utc_ms(r.generated_at), state_cards(r.by_state));
  html += fmt::format(
      R"(<h2>Requests per second</h2><p>{} attempts, {} of them sent a request.</p>{}{})",
      r.attempts, r.requests, legend(), rate_chart_svg(r));
  html += latency_section(r);
  html += errors_section(r);
  html += batches_section(r);
  html += targets_section(r);
  return html + "</body></html>\n";
}

}  // namespace oneall::audit
