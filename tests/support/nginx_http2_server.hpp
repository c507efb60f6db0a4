// nginx from the distribution, started as a child for HTTP/2-over-TLS tests: a config written
// to a folder of the test's (ephemeral 127.0.0.1 port; pid, logs and temp paths inside the
// folder; no daemon, no master process, so the test owns it), a TestCertificate made at start,
// and `location /update/ { return 200 '<success envelope>'; }`. nginx answers such a request
// without reading its body and then resets the stream with NO_ERROR (RFC 9113 §8.1), the case
// a client must not count as a failure. A missing nginx is an error, not a skip: CI installs it
// (scripts/setup.sh).
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

namespace oneall::testing {

class NginxHttp2Server {
 public:
  // Writes its files to `dir` (created if missing) and waits until nginx accepts connections.
  // Throws std::runtime_error, with nginx's error log, when nginx is not installed or does not
  // come up.
  explicit NginxHttp2Server(const std::string& dir);
  ~NginxHttp2Server();  // stops nginx and reaps it
  NginxHttp2Server(const NginxHttp2Server&) = delete;
  NginxHttp2Server& operator=(const NginxHttp2Server&) = delete;

  int port() const { return port_; }
  std::string base_url() const;                            // "https://127.0.0.1:PORT"
  const std::string& ca_path() const { return ca_path_; }  // for --cacert
  // The body of every answer under /update/, whole (nginx sends its Content-Length).
  static std::string_view success_body();

 private:
  bool start(const std::string& nginx);  // false when the port was taken meanwhile
  void stop();

  std::string dir_;
  std::string ca_path_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace oneall::testing
