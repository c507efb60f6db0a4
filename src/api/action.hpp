// An Action is one thing a job asks of the API: an op on one object, with the fields to set
// for an update. render() turns a valid Action into the exact HTTP request (method, path,
// JSON body) that is queued, sent and audited.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/picture_id.hpp"
#include "api/schedule.hpp"
#include "api/target.hpp"
#include "util/result.hpp"

namespace oneall::api {

// The `set` fields of an update. Which ones a target accepts is checked by validate().
struct UpdateFields {
  std::optional<std::string> board;        // pinterest.pin
  std::optional<std::string> description;  // pinterest.pin
  std::optional<std::string> link;         // pinterest.pin, facebook.page.post
  std::optional<std::string> message;      // facebook.page.post
  // facebook.page.post, never with link. Already checked ids: the readers parse each one where
  // it is written, so its problem is reported at its own place.
  std::optional<std::vector<PictureId>> attachments;

  bool empty() const { return !board && !description && !link && !message && !attachments; }
  bool operator==(const UpdateFields&) const = default;
};

struct Action {
  Op op = Op::kDelete;
  Target target = Target::kTwitterTweet;
  std::string identity;
  std::string page_id;  // only for facebook.page.* targets
  std::string object_id;
  UpdateFields fields;  // only for updates

  bool operator==(const Action&) const = default;
};

// One problem with an Action: the job-file field it concerns and what is wrong.
struct FieldProblem {
  std::string field;    // "identity", "page_id", "set.link", ...
  std::string message;  // "must be a UUID such as 2af20011-8965-471b-8f6b-8b66a611aae6"
};

// Every job file rule (docs/formats.md) about the Action itself; empty when it may be sent.
std::vector<FieldProblem> validate(const Action& action);

struct HttpRequest {
  std::string method;  // "PUT" | "DELETE"
  std::string path;    // "/update/identities/…/pinterest/pin/352969689546669253.json"
  std::string body;    // JSON for PUT, empty for DELETE
};

// Precondition: validate(action) is empty. Ids and text are checked again here (defence in
// depth): a bad one yields an Error rather than a path, or a body that is not valid JSON.
Result<HttpRequest> render(const Action& action);

// The key that makes import idempotent: a hash of what the job does (op, target, ids, body),
// and of its schedule only where it has one, so that the keys of jobs without a schedule stay
// what they were before schedules existed, and a campaign cancelled and imported again with
// new dates is new jobs.
std::string job_key(const Action& action, const HttpRequest& request,
                    const Schedule& schedule = {});
// What job_key hashes, for a caller that hashes many with one Sha256 (import).
std::string job_key_text(const Action& action, const HttpRequest& request,
                         const Schedule& schedule = {});

// Jobs on the same object run one at a time, in file order: identity|target|page|object.
std::string object_key(const Action& action);

}  // namespace oneall::api
