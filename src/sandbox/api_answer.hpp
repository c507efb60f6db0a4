// Decides what the sandbox answers to one request, without sockets: the status, the JSON body
// (envelope.hpp), the Allow header of a 405, and what the request did to the objects so the
// server can count it. The server checks credentials and injects faults first, then
// hands the request here.
#pragma once

#include <string>
#include <string_view>

#include "sandbox/object_book.hpp"

namespace oneall::sandbox {

struct ApiRequest {
  std::string_view method;  // "PUT", "DELETE", ...
  std::string_view path;    // as sent, still percent-encoded, without the query
  std::string_view body;
  std::string_view date;  // for the envelope: rfc2822_date(now)
};

enum class Effect {
  kNone,      // nothing changed, nothing repeated (an error, a ping)
  kApplied,   // an object changed
  kRepeated,  // the change was already applied (second delete, same update again)
};

struct ApiAnswer {
  int status = 0;
  std::string body;   // JSON, response envelope
  std::string allow;  // the Allow header of a 405, else empty
  Effect effect = Effect::kNone;
};

// One request under /update/: route, method, body, then the object book.
ApiAnswer answer_update_request(const ApiRequest& request, ObjectBook& book);

ApiAnswer unauthorized_answer(std::string_view path, std::string_view date);
ApiAnswer ping_answer(std::string_view path, std::string_view date);
// An error envelope for a status decided elsewhere (cpp-httplib: 404 no route, 413, 400; the
// fault plan: 429, 500, 503).
ApiAnswer error_answer(std::string_view path, std::string_view date, int status);

}  // namespace oneall::sandbox
