#include "support/nginx_http2_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "support/exec_args.hpp"
#include "support/loopback_listener.hpp"
#include "support/test_certificate.hpp"

namespace oneall::testing {
namespace {

constexpr std::string_view kSuccessBody =
    R"({"response":{"request":{"status":{"flag":"success","code":200,"info":"ok"}},)"
    R"("result":{"data":{"provider":"pinterest","object":"pin"}}}})";
constexpr auto kStartLimit = std::chrono::seconds(10);
constexpr int kPortTries = 5;

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

// nginx on PATH or where Debian puts it (/usr/sbin is not on every user's PATH).
std::string find_nginx() {
  std::vector<std::string> folders;
  if (const char* path = std::getenv("PATH")) {
    std::stringstream list(path);
    for (std::string folder; std::getline(list, folder, ':');) folders.push_back(folder);
  }
  folders.insert(folders.end(), {"/usr/sbin", "/usr/local/sbin", "/sbin"});
  for (const std::string& folder : folders) {
    const std::string candidate = folder + "/nginx";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  throw std::runtime_error(
      "NginxHttp2Server: nginx is not installed; install it (scripts/setup.sh, or apt-get "
      "install nginx): the HTTP/2 tests need it and do not skip");
}

// A port the kernel hands out now; nginx binds it a moment later (retried if taken meanwhile).
int free_port() {
  const LoopbackListener listener = listen_on_loopback("NginxHttp2Server");
  ::close(listener.fd);
  return listener.port;
}

bool accepts(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  const bool connected =
      fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  if (fd >= 0) ::close(fd);
  return connected;
}

std::string config(const std::string& dir, int port) {
  // keepalive_requests: nginx otherwise ends a connection with GOAWAY every 1000 streams, and
  // the requests caught by that are a different case (refused, never answered).
  return fmt::format(R"(daemon off;
master_process off;
worker_processes 1;
pid {0}/nginx.pid;
error_log {0}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {0}/client_body;
  proxy_temp_path {0}/proxy;
  fastcgi_temp_path {0}/fastcgi;
  uwsgi_temp_path {0}/uwsgi;
  scgi_temp_path {0}/scgi;
  keepalive_requests 1000000;
  server {{
    listen 127.0.0.1:{1} ssl http2;
    ssl_certificate {0}/cert.pem;
    ssl_certificate_key {0}/key.pem;
    location /update/ {{
      default_type application/json;
      return 200 '{2}';
    }}
    location / {{ return 404; }}
  }}
}}
)",
                     dir, port, kSuccessBody);
}

}  // namespace

NginxHttp2Server::NginxHttp2Server(const std::string& dir)
    : dir_(std::filesystem::absolute(dir).string()), ca_path_(dir_ + "/cert.pem") {
  const std::string nginx = find_nginx();
  std::filesystem::create_directories(dir_);
  const TestCertificate identity;
  identity.write_cert(ca_path_);  // self-signed: the server's certificate is its own CA
  identity.write_key(dir_ + "/key.pem");
  for (int attempt = 0; attempt < kPortTries; ++attempt) {
    if (start(nginx)) return;
  }
  throw std::runtime_error("NginxHttp2Server: no free port in " + std::to_string(kPortTries) +
                           " tries; error log:\n" + read_all(dir_ + "/error.log"));
}

NginxHttp2Server::~NginxHttp2Server() { stop(); }

std::string NginxHttp2Server::base_url() const {
  return "https://127.0.0.1:" + std::to_string(port_);
}

std::string_view NginxHttp2Server::success_body() { return kSuccessBody; }

bool NginxHttp2Server::start(const std::string& nginx) {
  port_ = free_port();
  const std::string conf = dir_ + "/nginx.conf";
  std::ofstream(conf, std::ios::trunc) << config(dir_, port_);
  std::filesystem::remove(dir_ + "/error.log");

  std::vector<std::string> argv_strings{nginx, "-e", dir_ + "/error.log", "-p", dir_ + "/",
                                        "-c",  conf};
  std::vector<std::string> env_strings = environment_with({});
  auto argv = exec_pointers(argv_strings);
  auto envp = exec_pointers(env_strings);
  const std::string out_path = dir_ + "/nginx.out";
  const int out_fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (out_fd < 0 || null_fd < 0)
    throw std::runtime_error("NginxHttp2Server: cannot open " + out_path);
  pid_ = ::fork();
  if (pid_ == 0) {  // only async-signal-safe calls until exec
    ::dup2(out_fd, STDOUT_FILENO);
    ::dup2(out_fd, STDERR_FILENO);
    ::dup2(null_fd, STDIN_FILENO);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(out_fd);
  ::close(null_fd);
  if (pid_ < 0) throw std::runtime_error("NginxHttp2Server: fork failed");

  const auto deadline = std::chrono::steady_clock::now() + kStartLimit;
  while (std::chrono::steady_clock::now() < deadline) {  // bounded: kStartLimit
    if (accepts(port_)) return true;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      const std::string log = read_all(dir_ + "/error.log") + read_all(out_path);
      if (log.find("Address already in use") != std::string::npos) return false;
      throw std::runtime_error("NginxHttp2Server: nginx exited at start:\n" + log);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  stop();
  throw std::runtime_error("NginxHttp2Server: nginx did not accept connections within " +
                           std::to_string(kStartLimit.count()) + " s; error log:\n" +
                           read_all(dir_ + "/error.log"));
}

void NginxHttp2Server::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);           // fast shutdown
  for (int i = 0; i < 250; ++i) {  // 5 s, then no more asking
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

}  // namespace oneall::testing
