// The two things the sandbox does to cpp-httplib's listening socket itself, each reporting its
// failure instead of ignoring it: SO_REUSEADDR without SO_REUSEPORT (so no second server can
// share the port and take part of the connections), and a backlog larger than the library's
// compiled-in 5 (a burst of 64 clients would otherwise wait for SYN retransmissions).
#pragma once

#include "util/result.hpp"

namespace oneall::sandbox {

Status allow_address_reuse(int socket_fd);
Status raise_listen_backlog(int socket_fd);

}  // namespace oneall::sandbox
