// Drops one of the server's own TCP connections without an answer, for --reset-rate.
//
// cpp-httplib 0.11 gives a handler no access to its socket: the hook that owns it
// (Server::process_and_close_socket) is private and its helpers are not in Debian's split
// header. So the socket is found by what the handler does know, the connection's two ends
// (Request::local_addr/local_port, remote_addr/remote_port): among the process's descriptors,
// the one TCP socket with exactly these ends. It cannot be closed or reused while its own
// handler runs, so the descriptor found is the right one when it is shut down. shutdown() (not
// close()) leaves the descriptor to cpp-httplib, whose write of the answer then fails and
// which closes the connection: the client gets end-of-file without a byte of answer (curl:
// CURLE_GOT_NOTHING). Costs a scan of /proc/self/fd, paid only by dropped requests.
//
// The write that fails may raise SIGPIPE (cpp-httplib 0.11 sends without MSG_NOSIGNAL): the
// server's threads block it (see sandbox_server.cpp).
#pragma once

#include <string>

#include "util/result.hpp"

namespace oneall::sandbox {

struct ConnectionEnds {
  std::string local_addr;  // numeric, as cpp-httplib reports it: "127.0.0.1", "::1"
  int local_port = 0;
  std::string remote_addr;
  int remote_port = 0;
};

Status drop_connection(const ConnectionEnds& ends);

}  // namespace oneall::sandbox
