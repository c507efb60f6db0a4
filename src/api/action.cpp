#include "api/action.hpp"

#include <fmt/format.h>

#include <array>
#include <utility>

#include "api/ids.hpp"
#include "api/link.hpp"
#include "util/sha256.hpp"
#include "util/text.hpp"

namespace oneall::api {
namespace {

// Generous bounds that catch a pasted file or a runaway cell, not the networks' own limits.
constexpr std::size_t kMaxTextBytes = 64 * 1024;
constexpr std::size_t kMaxBoardBytes = 256;
constexpr std::size_t kMaxAttachments = 100;

void check_text(std::vector<FieldProblem>& problems, const std::string& field,
                const std::optional<std::string>& value, std::size_t max_bytes) {
  if (!value) return;
  if (const std::size_t bad = first_invalid_utf8(*value); bad != value->size()) {
    problems.push_back({field, fmt::format("is not valid UTF-8 (byte 0x{:02x} at offset {}; "
                                           "expected text saved as UTF-8)",
                                           static_cast<unsigned char>((*value)[bad]), bad)});
  } else if (value->empty()) {
    problems.push_back({field, "is empty (leave the field out to keep the current value)"});
  } else if (value->size() > max_bytes) {
    problems.push_back(
        {field, fmt::format("is {} bytes long (expected at most {})", value->size(), max_bytes)});
  }
}

void check_update_fields(std::vector<FieldProblem>& problems, const Action& action) {
  const UpdateFields& f = action.fields;
  if (f.empty()) {
    problems.push_back({"set", fmt::format("an update must set at least one field ({} takes {})",
                                           target_name(action.target),
                                           action.target == Target::kPinterestPin
                                               ? "board, description, link"
                                               : "message, link, attachments")});
    return;
  }
  const bool pin = action.target == Target::kPinterestPin;
  auto refuse = [&](const char* field, bool present) {
    if (present) {
      problems.push_back(
          {fmt::format("set.{}", field),
           fmt::format("is not a field of {} (it takes {})", target_name(action.target),
                       pin ? "board, description, link" : "message, link, attachments")});
    }
  };
  refuse("board", !pin && f.board.has_value());
  refuse("description", !pin && f.description.has_value());
  refuse("message", pin && f.message.has_value());
  refuse("attachments", pin && f.attachments.has_value());

  check_text(problems, "set.board", f.board, kMaxBoardBytes);
  check_text(problems, "set.description", f.description, kMaxTextBytes);
  check_text(problems, "set.message", f.message, kMaxTextBytes);
  if (f.link) {
    if (auto why = check_link(*f.link)) problems.push_back({"set.link", *why});
  }
  if (f.attachments) {
    if (f.link) {
      problems.push_back(
          {"set.attachments",
           "is not allowed together with link (a post takes a link or attachments, never both)"});
    }
    if (f.attachments->empty()) {
      problems.push_back({"set.attachments", "is empty (list at least one picture id)"});
    } else if (f.attachments->size() > kMaxAttachments) {
      problems.push_back({"set.attachments", fmt::format("lists {} pictures (at most {})",
                                                         f.attachments->size(), kMaxAttachments)});
    }
  }
}

// The text fields an update may carry, with their names in a body.
std::array<std::pair<std::string_view, const std::optional<std::string>*>, 4> text_fields(
    const UpdateFields& f) {
  return {{{"board", &f.board},
           {"description", &f.description},
           {"message", &f.message},
           {"link", &f.link}}};
}

// {"request":{"update":{"pin":{...}}}} / {"request":{"update":{"post":{...}}}}, keys in a fixed
// order so the same update always renders to the same bytes (the job key depends on it). Every
// value is either checked UTF-8 text through the JSON quoting helper or a PictureId's digits:
// nothing a job file wrote is spliced into the body as it is.
std::string update_body(const Action& action) {
  const UpdateFields& f = action.fields;
  std::string body = R"({"request":{"update":{)";
  append_json_string(body, action.target == Target::kPinterestPin ? "pin" : "post");
  body += ":{";
  bool first = true;
  auto key = [&](std::string_view name) {
    if (!first) body.push_back(',');
    first = false;
    append_json_string(body, name);
    body.push_back(':');
  };
  for (const auto& [name, value] : text_fields(f)) {
    if (!*value) continue;
    key(name);
    append_json_string(body, **value);
  }
  if (f.attachments) {
    key("attachments");
    body.push_back('[');
    for (std::size_t i = 0; i < f.attachments->size(); ++i) {
      if (i > 0) body.push_back(',');
      body += (*f.attachments)[i].digits();
    }
    body.push_back(']');
  }
  body += "}}}}";
  return body;
}

}  // namespace

std::vector<FieldProblem> validate(const Action& action) {
  std::vector<FieldProblem> problems;
  const TargetInfo& info = target_info(action.target);

  if (auto why = check_identity(action.identity)) problems.push_back({"identity", *why});
  if (info.under_page) {
    if (action.page_id.empty()) {
      problems.push_back(
          {"page_id", fmt::format("is missing ({} needs the id of the Facebook page)", info.name)});
    } else if (auto why = check_resource_id(action.page_id)) {
      problems.push_back({"page_id", *why});
    }
  } else if (!action.page_id.empty()) {
    problems.push_back(
        {"page_id", fmt::format("is not a field of {} (expected only for facebook.page.* targets)",
                                info.name)});
  }
  if (auto why = check_resource_id(action.object_id)) problems.push_back({"object_id", *why});

  if (action.op == Op::kUpdate) {
    if (!info.allows_update) {
      problems.push_back(
          {"op", fmt::format("{} can only be deleted, not updated (expected delete)", info.name)});
    } else {
      check_update_fields(problems, action);
    }
  } else if (!action.fields.empty()) {
    problems.push_back({"set", "is not allowed on a delete (a delete takes no fields to set)"});
  }
  return problems;
}

Result<HttpRequest> render(const Action& action) {
  const TargetInfo& info = target_info(action.target);
  // Defence in depth: the path is built from checked parts only, whatever the caller did.
  if (auto why = check_identity(action.identity)) return Error{"identity " + *why};
  if (auto why = check_resource_id(action.object_id)) return Error{"object_id " + *why};
  if (info.under_page) {
    if (auto why = check_resource_id(action.page_id)) return Error{"page_id " + *why};
  }
  if (action.op == Op::kUpdate && !info.allows_update) {
    return Error{fmt::format("{} can only be deleted, not updated", info.name)};
  }
  // Text that is not UTF-8 would make a body no JSON parser accepts.
  for (const auto& [name, value] : text_fields(action.fields)) {
    if (*value && !is_valid_utf8(**value)) {
      return Error{fmt::format("set.{} is not valid UTF-8", name)};
    }
  }

  HttpRequest request;
  request.method = std::string(http_method(action.op));
  if (info.under_page) {
    request.path = fmt::format("/update/identities/{}/facebook/page/{}/{}/{}.json", action.identity,
                               action.page_id, info.path_segment, action.object_id);
  } else {
    request.path = fmt::format("/update/identities/{}/{}/{}.json", action.identity,
                               info.path_segment, action.object_id);
  }
  if (action.op == Op::kUpdate) request.body = update_body(action);
  return request;
}

std::string job_key(const Action& action, const HttpRequest& request, const Schedule& schedule) {
  return sha256_hex(job_key_text(action, request, schedule));
}

std::string job_key_text(const Action& action, const HttpRequest& request,
                         const Schedule& schedule) {
  // The rendered method, path and body already hold op, target, ids and the canonical body;
  // the separators cannot occur inside a checked path. Times as UTC ms: the same instant
  // written with another offset is the same job.
  std::string text = fmt::format("{}\n{}\n{}\n{}", op_name(action.op), request.method,
                                 request.path, request.body);
  if (schedule.not_before) text += fmt::format("\nnot_before={}", *schedule.not_before);
  if (schedule.expires_at) text += fmt::format("\nexpires_at={}", *schedule.expires_at);
  return text;
}

std::string object_key(const Action& action) {
  return fmt::format("{}|{}|{}|{}", action.identity, target_name(action.target), action.page_id,
                     action.object_id);
}

}  // namespace oneall::api
