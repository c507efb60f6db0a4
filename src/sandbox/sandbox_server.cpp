// SandboxServer: cpp-httplib glue over the pure parts (api_answer, over route, update_body,
// object_book and envelope). Every answer goes through answer(), which also keeps the counters.
// API requests pass the fault plan (fault_plan.hpp) on arrival and are worked out at once; the
// answer then waits until the latency has passed since arrival (deadline_sleep.hpp), so a
// request takes the latency, not the latency plus its handling. A dropped connection is cut by
// connection_drop.hpp, once the latency has passed.
#include "sandbox/sandbox_server.hpp"

#include <fmt/format.h>
#include <httplib.h>
#include <signal.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <ctime>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>

#include "sandbox/api_answer.hpp"
#include "sandbox/connection_drop.hpp"
#include "sandbox/deadline_sleep.hpp"
#include "sandbox/envelope.hpp"
#include "sandbox/fault_plan.hpp"
#include "sandbox/listening_socket.hpp"
#include "sandbox/object_book.hpp"
#include "sandbox/receive_log.hpp"
#include "util/base64.hpp"

namespace oneall::sandbox {
namespace {

constexpr const char* kJson = "application/json";
// PUT bodies are a few hundred bytes; anything far larger is refused with 413.
constexpr std::size_t kMaxBodyBytes = 1 << 20;

// A PUT, POST or PATCH with neither Content-Length nor Transfer-Encoding: by HTTP/1.1 it has no
// body (RFC 9112 6.3), but cpp-httplib 0.11 reads one until the connection closes.
bool announces_no_body(const httplib::Request& request) {
  const bool may_have_body =
      request.method == "PUT" || request.method == "POST" || request.method == "PATCH";
  return may_have_body && !request.has_header("Content-Length") &&
         !request.has_header("Transfer-Encoding");
}

// The path as the client sent it (still percent-encoded, without the query): cpp-httplib's
// request.path is decoded, which would turn an id holding "%2F" into two path segments.
std::string raw_path(const httplib::Request& request) {
  if (request.target.empty()) return request.path.empty() ? "/" : request.path;
  return request.target.substr(0, request.target.find('?'));
}

FaultRates fault_rates(const SandboxOptions& options) {
  return {options.error_rate, options.throttle_rps, options.throttle_burst, options.reset_rate,
          options.seed};
}

// Blocks SIGPIPE in the calling thread, and so in the threads it starts afterwards (cpp-httplib's
// workers): a write to a connection that is gone (one we dropped, or a client that left) must
// fail with EPIPE, not kill the process. Per thread, so the rest of the process is untouched.
void block_sigpipe_in_this_thread() {
  sigset_t pipe;
  sigemptyset(&pipe);
  sigaddset(&pipe, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
}

}  // namespace

struct SandboxServer::Impl {
  explicit Impl(SandboxOptions options_in)
      : options(std::move(options_in)),
        book(options.missing_objects),
        expected_authorization("Basic " + base64_encode(options.credentials.public_key + ":" +
                                                        options.credentials.private_key)) {
    configure_server();
  }

  SandboxOptions options;
  ObjectBook book;
  const std::string expected_authorization;
  httplib::Server server;
  std::thread thread;
  int port = 0;
  int listening_socket = -1;     // owned by `server`; kept to raise its backlog
  Status socket_options = Ok{};  // what the socket-options callback of the last bind did
  std::atomic<bool> listener_ended{false};

  std::mutex state_mutex;
  std::condition_variable stopped_cv;
  bool started = false;
  bool stopped = false;

  // Set by start(), before any handler runs; read-only afterwards but for their own locks.
  std::chrono::steady_clock::time_point started_at;
  std::chrono::system_clock::time_point started_at_wall;
  std::optional<ReceiveLog> receive_log;
  std::optional<FaultPlan> faults;

  std::atomic<std::uint64_t> requests{0}, applied{0}, repeated{0}, unauthorized{0}, not_found{0},
      bad_requests{0}, max_concurrent{0}, errors_injected{0}, throttled{0}, resets{0},
      resets_after_apply{0};
  std::atomic<std::uint64_t> concurrent{0};  // API requests being handled now
  mutable std::mutex ports_mutex;
  std::unordered_set<int> client_ports;  // of the connections API requests came on

  // What becomes of an API request once its latency has passed.
  enum class Then { kAnswer, kDrop };

  // Routes, limits and socket options, once: a start() that failed can be tried again.
  void configure_server();
  void install_routes();
  // Runs the listening loop on `thread`; returns once it runs, or has already ended.
  void serve_on_thread();
  // cpp-httplib closes a bound socket only from its running listening loop: run it, stop it.
  void close_bound_socket();
  void handle_api(const httplib::Request& request, httplib::Response& response);
  Then work_out(const httplib::Request& request, httplib::Response& response, const Fault& fault);
  void answer(httplib::Response& response, ApiAnswer reply);
  void count(const ApiAnswer& reply);
  void note_connection(int client_port) {
    std::lock_guard lock(ports_mutex);
    client_ports.insert(client_port);
  }
  std::uint64_t connections() const {
    std::lock_guard lock(ports_mutex);
    return client_ports.size();
  }
  void drop(const httplib::Request& request, httplib::Response& response);
  SandboxStats stats() const;
  std::string stats_json() const;
  std::string received_json() const;
  bool authorized(const httplib::Request& request) const {
    return request.get_header_value("Authorization") == expected_authorization;
  }
  // Until `latency_ms` after `received`: the work done since arrival is part of the latency.
  void wait_out_latency(std::chrono::steady_clock::time_point received) const {
    if (options.latency_ms > 0) {
      sleep_until(received + std::chrono::milliseconds(options.latency_ms));
    }
  }
  static std::string now_date() { return rfc2822_date(std::time(nullptr)); }
};

void SandboxServer::Impl::count(const ApiAnswer& reply) {
  if (reply.status == 401) ++unauthorized;
  if (reply.status == 404) ++not_found;
  if (reply.status == 400 || reply.status == 405) ++bad_requests;
  if (reply.effect == Effect::kApplied) ++applied;
  if (reply.effect == Effect::kRepeated) ++repeated;
}

void SandboxServer::Impl::answer(httplib::Response& response, ApiAnswer reply) {
  count(reply);
  response.status = reply.status;
  if (!reply.allow.empty()) response.set_header("Allow", reply.allow);
  response.set_content(std::move(reply.body), kJson);
}

void SandboxServer::Impl::handle_api(const httplib::Request& request, httplib::Response& response) {
  // Tests check the client's concurrency bound against max_concurrent.
  struct Occupancy {
    explicit Occupancy(Impl& s) : s_(s) {
      const std::uint64_t now = ++s_.concurrent;
      std::uint64_t seen = s_.max_concurrent.load();
      while (now > seen && !s_.max_concurrent.compare_exchange_weak(seen, now)) {
      }
    }
    ~Occupancy() { --s_.concurrent; }
    Impl& s_;
  } occupancy(*this);
  note_connection(request.remote_port);
  // Decided on arrival, before the latency, so the throttle sees the rate the client sends at.
  const auto received = receive_log->record();
  const Fault fault = faults->decide(received);
  const Then then = work_out(request, response, fault);
  wait_out_latency(received);
  if (then == Then::kDrop) drop(request, response);
}

SandboxServer::Impl::Then SandboxServer::Impl::work_out(const httplib::Request& request,
                                                        httplib::Response& response,
                                                        const Fault& fault) {
  const std::string path = raw_path(request);
  const std::string date = now_date();
  if (!authorized(request)) {
    answer(response, unauthorized_answer(path, date));
    return Then::kAnswer;
  }
  const ApiRequest api_request{request.method, path, request.body, date};
  switch (fault.kind) {
    case FaultKind::kNone:
      break;
    case FaultKind::kThrottled:
      ++throttled;
      response.set_header("Retry-After", std::to_string(fault.retry_after_seconds));
      answer(response, error_answer(path, date, fault.status));
      return Then::kAnswer;
    case FaultKind::kError:
      ++errors_injected;
      answer(response, error_answer(path, date, fault.status));
      return Then::kAnswer;
    case FaultKind::kResetBeforeApplying:
      return Then::kDrop;
    case FaultKind::kResetAfterApplying:
      count(answer_update_request(api_request, book));
      ++resets_after_apply;
      return Then::kDrop;
  }
  answer(response, answer_update_request(api_request, book));
  return Then::kAnswer;
}

void SandboxServer::Impl::drop(const httplib::Request& request, httplib::Response& response) {
  // Counted before the cut: a client that sees its connection end may read the stats at once.
  ++resets;
  const Status dropped = drop_connection(
      {request.local_addr, request.local_port, request.remote_addr, request.remote_port});
  if (dropped) return;  // cpp-httplib's write of `response` fails, and it closes the connection
  // Not expected; should it happen, the client still gets a failure it retries, and why.
  --resets;
  ++errors_injected;
  answer(response,
         {503,
          error_body(raw_path(request), now_date(), 503,
                     "The sandbox could not drop this connection: " + dropped.error().message),
          "", Effect::kNone});
}

SandboxStats SandboxServer::Impl::stats() const {
  SandboxStats s;
  s.requests = requests.load();
  s.applied = applied.load();
  s.repeated = repeated.load();
  s.unauthorized = unauthorized.load();
  s.not_found = not_found.load();
  s.bad_requests = bad_requests.load();
  s.max_concurrent = max_concurrent.load();
  s.connections = connections();
  s.errors_injected = errors_injected.load();
  s.throttled = throttled.load();
  s.resets = resets.load();
  s.resets_after_apply = resets_after_apply.load();
  return s;
}

std::string SandboxServer::Impl::stats_json() const {
  const SandboxStats s = stats();
  return fmt::format(
      R"({{"requests":{},"applied":{},"repeated":{},"unauthorized":{},"not_found":{},)"
      R"("bad_requests":{},"max_concurrent":{},"connections":{},"errors_injected":{},)"
      R"("throttled":{},"resets":{},"resets_after_apply":{},"seed":{}}})",
      s.requests, s.applied, s.repeated, s.unauthorized, s.not_found, s.bad_requests,
      s.max_concurrent, s.connections, s.errors_injected, s.throttled, s.resets,
      s.resets_after_apply, faults->seed());
}

std::string SandboxServer::Impl::received_json() const {
  const ReceiveTimes times = receive_log->snapshot();
  const auto started_unix_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(started_at_wall.time_since_epoch())
          .count();
  fmt::memory_buffer out;
  fmt::format_to(std::back_inserter(out),
                 R"({{"started_unix_ms":{},"forgotten":{},"received_us":[)", started_unix_ms,
                 times.forgotten);
  for (std::size_t i = 0; i < times.since_start.size(); ++i) {
    fmt::format_to(std::back_inserter(out), "{}{}", i == 0 ? "" : ",",
                   times.since_start[i].count());
  }
  fmt::format_to(std::back_inserter(out), "]}}");
  return fmt::to_string(out);
}

void SandboxServer::Impl::install_routes() {
  server.set_pre_routing_handler(
      [this](const httplib::Request& request, httplib::Response& response) {
        ++requests;  // counted on arrival, so a client that read its answer sees it counted
        if (!announces_no_body(request)) return httplib::Server::HandlerResponse::Unhandled;
        // cpp-httplib would wait for the client to close (its read timeout, 5 s) before routing
        // this: answer it now, as the request without a body that it is.
        if (request.path.starts_with("/update/")) {
          handle_api(request, response);
        } else {
          answer(response, error_answer(raw_path(request), now_date(), 404));
        }
        return httplib::Server::HandlerResponse::Handled;
      });
  server.Get("/", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("oneall-bulk sandbox: OneAll Update API emulator\n", "text/plain");
  });
  server.Get("/sandbox/stats", [this](const httplib::Request&, httplib::Response& response) {
    response.set_content(stats_json(), kJson);
  });
  server.Get("/sandbox/received", [this](const httplib::Request&, httplib::Response& response) {
    response.set_content(received_json(), kJson);
  });
  server.Get("/tools/ping.json",
             [this](const httplib::Request& request, httplib::Response& response) {
               const auto received = std::chrono::steady_clock::now();
               const std::string path = raw_path(request);
               answer(response, authorized(request) ? ping_answer(path, now_date())
                                                    : unauthorized_answer(path, now_date()));
               wait_out_latency(received);
             });
  const auto api = [this](const httplib::Request& request, httplib::Response& response) {
    handle_api(request, response);
  };
  server.Put("/update/.*", api);
  server.Delete("/update/.*", api);
  server.Get("/update/.*", api);
  server.Post("/update/.*", api);
  server.Patch("/update/.*", api);
  server.Options("/update/.*", api);
  // Statuses cpp-httplib decides itself (no route: 404; too large: 413; unparsable: 400) get
  // the error envelope too. Our own answers already have a body and are left alone.
  server.set_error_handler([this](const httplib::Request& request, httplib::Response& response) {
    if (response.body.empty()) {
      answer(response, error_answer(raw_path(request), now_date(), response.status));
    }
  });
}

SandboxServer::SandboxServer(SandboxOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

SandboxServer::~SandboxServer() { stop(); }

Result<int> SandboxServer::start() {
  Impl& s = *impl_;
  if (!api::is_loopback_host(s.options.host)) {
    return Error{fmt::format("the sandbox listens on loopback only, not {}", s.options.host)};
  }
  if (const Status rates = check_fault_rates(fault_rates(s.options)); !rates) {
    return rates.error();
  }
  {
    std::lock_guard lock(s.state_mutex);
    if (s.started) return Error{"the sandbox is already started"};
  }
  // Either fully started or fully undone: `started` is set only once the listening loop runs,
  // so a failed start leaves nothing bound, no thread, and stop() and wait() with nothing to do.
  s.started_at = std::chrono::steady_clock::now();
  s.started_at_wall = std::chrono::system_clock::now();
  s.receive_log.emplace(s.started_at);
  s.faults.emplace(fault_rates(s.options), s.started_at);

  s.socket_options = Ok{};
  if (s.options.port == 0) {
    s.port = s.server.bind_to_any_port(s.options.host);
  } else {
    s.port = s.server.bind_to_port(s.options.host, s.options.port) ? s.options.port : -1;
  }
  if (s.port <= 0) {  // cpp-httplib closed the socket it could not bind
    const int bind_errno = errno;
    s.port = 0;
    return Error{fmt::format("cannot listen on {}:{}: {}", s.options.host, s.options.port,
                             std::strerror(bind_errno))};
  }
  Status prepared = s.socket_options;
  if (prepared) prepared = raise_listen_backlog(s.listening_socket);
  if (!prepared) {
    s.close_bound_socket();
    s.port = 0;
    return prepared.error();
  }
  s.serve_on_thread();
  if (!s.server.is_running()) {  // the loop ended at once: nothing to stop
    s.thread.join();
    s.port = 0;
    return Error{"the sandbox's listening loop ended as soon as it started"};
  }
  std::lock_guard lock(s.state_mutex);
  s.started = true;
  return s.port;
}

void SandboxServer::Impl::configure_server() {
  install_routes();
  server.set_keep_alive_max_count(1'000'000);  // clients keep their connections
  // Headers and body go out in separate writes: without NODELAY, Nagle holds the body back
  // until the client's delayed ACK, some 40 ms per request.
  server.set_tcp_nodelay(true);
  server.set_payload_max_length(kMaxBodyBytes);
  // cpp-httplib's default socket options add SO_REUSEPORT, which lets a second server bind the
  // same port and silently take part of the connections (and of the counts). SO_REUSEADDR alone
  // still allows a restart on the port just released. The callback cannot fail the bind, so
  // start() reads what it did from socket_options.
  server.set_socket_options([this](socket_t sock) {
    listening_socket = sock;
    socket_options = allow_address_reuse(sock);
  });
  const std::size_t threads = static_cast<std::size_t>(std::max(4, options.threads));
  // cpp-httplib takes ownership of the task queue it is handed (and deletes it).
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
}

void SandboxServer::Impl::serve_on_thread() {
  listener_ended = false;
  thread = std::thread([this] {
    // Both before cpp-httplib starts its workers from this thread, which inherit them.
    block_sigpipe_in_this_thread();
    use_precise_timers_in_this_thread();  // the latency is slept on the workers
    server.listen_after_bind();
    listener_ended = true;
  });
  // cpp-httplib's stop() does nothing until the listening loop runs: wait for it (or for its
  // end), so a stop() right after start() cannot be lost and the join in stop() cannot hang.
  while (!server.is_running() && !listener_ended) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void SandboxServer::Impl::close_bound_socket() {
  serve_on_thread();
  server.stop();
  thread.join();
}

void SandboxServer::stop() {
  Impl& s = *impl_;
  {
    std::lock_guard lock(s.state_mutex);
    if (!s.started || s.stopped) return;
    s.stopped = true;
  }
  s.server.stop();
  if (s.thread.joinable()) s.thread.join();
  s.stopped_cv.notify_all();
}

void SandboxServer::wait() {
  std::unique_lock lock(impl_->state_mutex);
  impl_->stopped_cv.wait(lock, [this] { return impl_->stopped || !impl_->started; });
}

int SandboxServer::port() const { return impl_->port; }

std::string SandboxServer::base_url() const {
  const std::string& host = impl_->options.host;
  // An IPv6 address is bracketed in a URL: http://[::1]:PORT.
  const bool bare_ipv6 = host.find(':') != std::string::npos && !host.starts_with('[');
  if (bare_ipv6) return fmt::format("http://[{}]:{}", host, impl_->port);
  return fmt::format("http://{}:{}", host, impl_->port);
}

SandboxStats SandboxServer::stats() const { return impl_->stats(); }

ReceiveTimes SandboxServer::received() const {
  return impl_->receive_log ? impl_->receive_log->snapshot() : ReceiveTimes{};
}

std::uint64_t SandboxServer::seed() const { return impl_->faults ? impl_->faults->seed() : 0; }

}  // namespace oneall::sandbox
