#include "api/action_reader.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <string_view>

namespace oneall::api {
namespace {

// The one member of a JSON object that must have exactly one, named `key`.
Result<simdjson::dom::element> only_member(simdjson::dom::element value, std::string_view key) {
  simdjson::dom::object object;
  if (value.get(object) != simdjson::SUCCESS || object.size() != 1) {
    return Error{fmt::format("expected an object holding only \"{}\"", key)};
  }
  simdjson::dom::element member;
  if (object[key].get(member) != simdjson::SUCCESS) {
    return Error{fmt::format("expected \"{}\"", key)};
  }
  return member;
}

}  // namespace

ActionReader::ActionReader() : parser_(std::make_unique<simdjson::dom::parser>()) {}

ActionReader::~ActionReader() = default;

Result<Action> ActionReader::read(const QueuedAction& job) {
  Action action;
  const std::optional<Op> op = parse_op(job.op);
  if (!op) return Error{fmt::format("unknown op '{}'", job.op)};
  const std::optional<Target> target = parse_target(job.target);
  if (!target) return Error{fmt::format("unknown target '{}'", job.target)};
  action.op = *op;
  action.target = *target;
  action.identity = job.identity;
  action.page_id = job.page_id;
  action.object_id = job.object_id;
  if (action.op == Op::kUpdate) {
    Result<UpdateFields> fields = read_fields(action, job.request.body);
    if (!fields) return Error{"its body " + fields.error().message};
    action.fields = std::move(*fields);
  }
  // render() trusts its caller to have validated (a pin's body could carry a message): a row
  // `validate` would refuse is no job file row either.
  if (const std::vector<FieldProblem> problems = validate(action); !problems.empty()) {
    return Error{fmt::format("its fields are refused: {} {}", problems.front().field,
                             problems.front().message)};
  }
  Result<HttpRequest> again = render(action);
  if (!again) return Error{"its fields are refused: " + again.error().message};
  if (again->method != job.request.method || again->path != job.request.path ||
      again->body != job.request.body) {
    return Error{"its fields do not render to the request it holds"};
  }
  return action;
}

Result<UpdateFields> ActionReader::read_fields(const Action& action, const std::string& body) {
  simdjson::dom::element document;
  if (parser_->parse(body.data(), body.size()).get(document) != simdjson::SUCCESS) {
    return Error{"is not JSON"};
  }
  // {"request":{"update":{"pin"|"post":{...}}}}, as action.cpp's update_body writes it.
  Result<simdjson::dom::element> request = only_member(document, "request");
  if (!request) return request.error();
  Result<simdjson::dom::element> update = only_member(*request, "update");
  if (!update) return update.error();
  Result<simdjson::dom::element> set =
      only_member(*update, action.target == Target::kPinterestPin ? "pin" : "post");
  if (!set) return set.error();
  simdjson::dom::object fields_object;
  if (set->get(fields_object) != simdjson::SUCCESS) return Error{"sets no object of fields"};

  UpdateFields fields;
  for (auto [key, value] : fields_object) {
    std::optional<std::string>* text = key == "board"         ? &fields.board
                                       : key == "description" ? &fields.description
                                       : key == "message"     ? &fields.message
                                       : key == "link"        ? &fields.link
                                                              : nullptr;
    if (text != nullptr) {
      std::string_view value_text;
      if (value.get(value_text) != simdjson::SUCCESS) {
        return Error{fmt::format("sets {} to something else than text", key)};
      }
      *text = std::string(value_text);
    } else if (key == "attachments") {
      simdjson::dom::array ids;
      if (value.get(ids) != simdjson::SUCCESS) return Error{"sets attachments to no list"};
      fields.attachments.emplace();
      for (simdjson::dom::element id : ids) {
        std::uint64_t number = 0;
        if (id.get(number) != simdjson::SUCCESS) {
          return Error{"lists an attachment that is not a whole number"};
        }
        Result<PictureId> picture = PictureId::parse(std::to_string(number));
        if (!picture) return picture.error();
        fields.attachments->push_back(*picture);
      }
    } else {
      return Error{fmt::format("sets '{}', which no job file field gives", key)};
    }
  }
  return fields;
}

}  // namespace oneall::api
