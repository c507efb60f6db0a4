// SandboxServer: cpp-httplib glue over the pure parts (route, update_body, object_book,
// envelope). Every answer goes through answer(), which also keeps the counters.
#include "sandbox/sandbox_server.hpp"

#include <fmt/format.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <ctime>
#include <mutex>
#include <thread>

#include "sandbox/envelope.hpp"
#include "sandbox/object_book.hpp"
#include "sandbox/route.hpp"
#include "sandbox/update_body.hpp"
#include "util/base64.hpp"

namespace oneall::sandbox {
namespace {

constexpr const char* kJson = "application/json";

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

  std::mutex state_mutex;
  std::condition_variable stopped_cv;
  bool started = false;
  bool stopped = false;

  std::atomic<std::uint64_t> requests{0}, applied{0}, repeated{0}, unauthorized{0}, not_found{0},
      bad_requests{0};

  void install_routes();
  void handle_api(const httplib::Request& request, httplib::Response& response);
  void answer(httplib::Response& response, int status, std::string body);
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

void SandboxServer::Impl::answer(httplib::Response& response, int status, std::string body) {
  if (status == 401) ++unauthorized;
  if (status == 404) ++not_found;
  if (status == 400 || status == 405) ++bad_requests;
  response.status = status;
  response.set_content(std::move(body), kJson);
}

void SandboxServer::Impl::handle_api(const httplib::Request& request, httplib::Response& response) {
  add_latency();
  const std::string& path = request.path;
  const std::string date = now_date();
  if (!authorized(request)) {
    return answer(response, 401, error_body(path, date, 401, "Invalid API credentials"));
  }
  // Fault injection (error rate, throttling, resets) will be decided here, before routing.
  const RouteMatch match = match_route(path);
  if (std::holds_alternative<UnknownPath>(match)) {
    return answer(response, 404, error_body(path, date, 404, "Unknown resource"));
  }
  if (const auto* bad = std::get_if<BadId>(&match)) {
    return answer(response, 400, error_body(path, date, 400, bad->message));
  }
  const Route& route = std::get<Route>(match);
  const bool updatable = api::target_info(route.target).allows_update;

  if (request.method == "DELETE") {
    switch (book.remove(route)) {
      case Change::kApplied:
        ++applied;
        return answer(response, 200, success_body(path, date, result_data(route, "")));
      case Change::kRepeated:
        ++repeated;
        return answer(response, 404, error_body(path, date, 404, "The object has been deleted"));
      case Change::kNotFound:
        return answer(response, 404, error_body(path, date, 404, "Unknown object"));
    }
  }
  if (request.method == "PUT" && updatable) {
    auto fields = check_update_body(route.target, request.body);
    if (!fields) return answer(response, 400, error_body(path, date, 400, fields.error().message));
    switch (book.update(route, *fields)) {
      case Change::kApplied:
        ++applied;
        return answer(response, 200, success_body(path, date, result_data(route, *fields)));
      case Change::kRepeated:
        ++repeated;
        return answer(response, 200, success_body(path, date, result_data(route, *fields)));
      case Change::kNotFound:
        return answer(response, 404, error_body(path, date, 404, "Unknown object"));
    }
  }
  response.set_header("Allow", updatable ? "PUT, DELETE" : "DELETE");
  answer(response, 405,
         error_body(path, date, 405,
                    fmt::format("{} is not allowed on this resource", request.method)));
}

void SandboxServer::Impl::install_routes() {
  server.set_pre_routing_handler([this](const httplib::Request&, httplib::Response&) {
    ++requests;  // counted on arrival, so a client that read its answer sees it counted
    return httplib::Server::HandlerResponse::Unhandled;
  });
  server.Get("/", [](const httplib::Request&, httplib::Response& response) {
    response.set_content("oneall-bulk sandbox: OneAll Update API emulator\n", "text/plain");
  });
  server.Get("/sandbox/stats", [this](const httplib::Request&, httplib::Response& response) {
    response.set_content(
        fmt::format(R"({{"requests":{},"applied":{},"repeated":{},"unauthorized":{},)"
                    R"("not_found":{},"bad_requests":{}}})",
                    requests.load(), applied.load(), repeated.load(), unauthorized.load(),
                    not_found.load(), bad_requests.load()),
        kJson);
  });
  server.Get(
      "/tools/ping.json", [this](const httplib::Request& request, httplib::Response& response) {
        add_latency();
        if (!authorized(request)) {
          return answer(response, 401,
                        error_body(request.path, now_date(), 401, "Invalid API credentials"));
        }
        answer(response, 200, success_body(request.path, now_date(), R"({"ping":"pong"})"));
      });
  const auto api = [this](const httplib::Request& request, httplib::Response& response) {
    handle_api(request, response);
  };
  server.Put("/update/.*", api);
  server.Delete("/update/.*", api);
  server.Get("/update/.*", api);
  server.Post("/update/.*", api);
  server.Patch("/update/.*", api);
  server.set_error_handler([this](const httplib::Request& request, httplib::Response& response) {
    if (response.body.empty()) {  // a path no route knows
      answer(response, response.status,
             error_body(request.path, now_date(), response.status, "Unknown resource"));
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
  return {s.requests.load(),     s.applied.load(),   s.repeated.load(),
          s.unauthorized.load(), s.not_found.load(), s.bad_requests.load()};
}

}  // namespace oneall::sandbox
