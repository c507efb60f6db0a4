// SandboxServer: cpp-httplib glue over the pure parts (api_answer, over route, update_body,
// object_book and envelope). Every answer goes through answer(), which also keeps the counters.
#include "sandbox/sandbox_server.hpp"

#include <fmt/format.h>
#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <ctime>
#include <mutex>
#include <thread>

#include "sandbox/api_answer.hpp"
#include "sandbox/envelope.hpp"
#include "sandbox/object_book.hpp"
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

}  // namespace

struct SandboxServer::Impl {
  explicit Impl(SandboxOptions options_in)
      : options(std::move(options_in)),
        book(options.missing_objects),
        expected_authorization("Basic " + base64_encode(options.credentials.public_key + ":" +
                                                        options.credentials.private_key)) {}

  SandboxOptions options;
  ObjectBook book;
  const std::string expected_authorization;
  httplib::Server server;
  std::thread thread;
  int port = 0;
  int listening_socket = -1;  // owned by `server`; kept to raise its backlog

  std::mutex state_mutex;
  std::condition_variable stopped_cv;
  bool started = false;
  bool stopped = false;

  std::atomic<std::uint64_t> requests{0}, applied{0}, repeated{0}, unauthorized{0}, not_found{0},
      bad_requests{0}, max_concurrent{0};
  std::atomic<std::uint64_t> concurrent{0};  // API requests being handled now

  void install_routes();
  void handle_api(const httplib::Request& request, httplib::Response& response);
  void answer(httplib::Response& response, ApiAnswer reply);
  bool authorized(const httplib::Request& request) const {
    return request.get_header_value("Authorization") == expected_authorization;
  }
  void add_latency() const {
    if (options.latency_ms > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(options.latency_ms));
    }
  }
  static std::string now_date() { return rfc2822_date(std::time(nullptr)); }
};

void SandboxServer::Impl::answer(httplib::Response& response, ApiAnswer reply) {
  if (reply.status == 401) ++unauthorized;
  if (reply.status == 404) ++not_found;
  if (reply.status == 400 || reply.status == 405) ++bad_requests;
  if (reply.effect == Effect::kApplied) ++applied;
  if (reply.effect == Effect::kRepeated) ++repeated;
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
  add_latency();
  const std::string path = raw_path(request);
  const std::string date = now_date();
  if (!authorized(request)) return answer(response, unauthorized_answer(path, date));
  // Fault injection (error rate, throttling, resets) slots in here: after the credentials are
  // checked, before the request reaches the objects.
  answer(response, answer_update_request({request.method, path, request.body, date}, book));
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
    response.set_content(
        fmt::format(R"({{"requests":{},"applied":{},"repeated":{},"unauthorized":{},)"
                    R"("not_found":{},"bad_requests":{},"max_concurrent":{}}})",
                    requests.load(), applied.load(), repeated.load(), unauthorized.load(),
                    not_found.load(), bad_requests.load(), max_concurrent.load()),
        kJson);
  });
  server.Get("/tools/ping.json",
             [this](const httplib::Request& request, httplib::Response& response) {
               add_latency();
               const std::string path = raw_path(request);
               answer(response, authorized(request) ? ping_answer(path, now_date())
                                                    : unauthorized_answer(path, now_date()));
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
  {
    std::lock_guard lock(s.state_mutex);
    if (s.started) return Error{"the sandbox is already started"};
    s.started = true;
  }
  s.install_routes();
  s.server.set_keep_alive_max_count(1'000'000);  // clients keep their connections
  // Headers and body go out in separate writes: without NODELAY, Nagle holds the body back
  // until the client's delayed ACK, some 40 ms per request.
  s.server.set_tcp_nodelay(true);
  s.server.set_payload_max_length(kMaxBodyBytes);
  // cpp-httplib's default socket options add SO_REUSEPORT, which lets a second server bind the
  // same port and silently take part of the connections (and of the counts). SO_REUSEADDR alone
  // still allows a restart on the port just released.
  s.server.set_socket_options([&s](socket_t sock) {
    const int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    s.listening_socket = sock;
  });
  const std::size_t threads = static_cast<std::size_t>(std::max(4, s.options.threads));
  // cpp-httplib takes ownership of the task queue it is handed (and deletes it).
  s.server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };

  if (s.options.port == 0) {
    s.port = s.server.bind_to_any_port(s.options.host);
  } else {
    s.port = s.server.bind_to_port(s.options.host, s.options.port) ? s.options.port : -1;
  }
  if (s.port <= 0) {
    return Error{fmt::format("cannot listen on {}:{}: {}", s.options.host, s.options.port,
                             std::strerror(errno))};
  }
  // The library listens with a backlog of 5, compiled in: a burst of connections beyond it
  // (64 clients starting at once) waits for the clients' SYN retransmission, a second or more.
  // Linux lets listen() on a listening socket raise it.
  ::listen(s.listening_socket, SOMAXCONN);
  s.thread = std::thread([&s] { s.server.listen_after_bind(); });
  // cpp-httplib's stop() does nothing until the listening loop runs: wait for it, so a stop()
  // right after start() cannot be lost (and the join in stop() cannot hang).
  for (int waited_ms = 0; !s.server.is_running(); ++waited_ms) {
    if (waited_ms > 5000) return Error{"the sandbox's listening thread did not start"};
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return s.port;
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
  return fmt::format("http://{}:{}", impl_->options.host, impl_->port);
}

SandboxStats SandboxServer::stats() const {
  const Impl& s = *impl_;
  return {s.requests.load(),  s.applied.load(),      s.repeated.load(),      s.unauthorized.load(),
          s.not_found.load(), s.bad_requests.load(), s.max_concurrent.load()};
}

}  // namespace oneall::sandbox
