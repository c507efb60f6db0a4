// render()'s inverse (action.hpp): an Action read back from a queued job, for
// `report --format jobfile`. The queue keeps each job's rendered request (method, path, body)
// beside its op, target and ids, not the job file's `set` fields, so those are read back from
// the update's JSON body. The Action found is rendered again and must give the stored request
// byte for byte: a job file written from it then queues the very same job (same job key), or
// the job is refused with the reason rather than written differently.
#pragma once

#include <memory>
#include <string>

#include "api/action.hpp"
#include "util/result.hpp"

namespace simdjson::dom {
class parser;
}

namespace oneall::api {

// A job as the queue holds it.
struct QueuedAction {
  std::string op;      // "update" | "delete"
  std::string target;  // "pinterest.pin", ...
  std::string identity;
  std::string page_id;
  std::string object_id;
  HttpRequest request;  // as rendered at import
};

// Reads job after job with one simdjson parser, whose buffers grow to the largest body once.
class ActionReader {
 public:
  ActionReader();
  ~ActionReader();
  ActionReader(const ActionReader&) = delete;
  ActionReader& operator=(const ActionReader&) = delete;

  // The Action that renders to `job.request`; an Error saying what does not fit otherwise.
  Result<Action> read(const QueuedAction& job);

 private:
  Result<UpdateFields> read_fields(const Action& action, const std::string& body);

  std::unique_ptr<simdjson::dom::parser> parser_;
};

}  // namespace oneall::api
