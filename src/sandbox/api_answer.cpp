#include "sandbox/api_answer.hpp"

#include <fmt/format.h>

#include <variant>

#include "sandbox/envelope.hpp"

namespace oneall::sandbox {
namespace {

ApiAnswer error(const ApiRequest& request, int status, std::string_view info) {
  return {status, error_body(request.path, request.date, status, info), "", Effect::kNone};
}

ApiAnswer success(const ApiRequest& request, const Route& route, const UpdateFields& fields,
                  Effect effect) {
  return {200, success_body(request.path, request.date, result_data(route, fields)), "", effect};
}

ApiAnswer answer_delete(const ApiRequest& request, const Route& route, ObjectBook& book) {
  switch (book.remove(route)) {
    case Change::kApplied:
      return success(request, route, {}, Effect::kApplied);
    case Change::kRepeated: {
      ApiAnswer answer = error(request, 404, "The object has already been deleted");
      answer.effect = Effect::kRepeated;
      return answer;
    }
    case Change::kNotFound:
      break;
  }
  return error(request, 404, "The object does not exist");
}

ApiAnswer answer_update(const ApiRequest& request, const Route& route, ObjectBook& book) {
  const Result<UpdateFields> fields = check_update_body(route.target, request.body);
  if (!fields) return error(request, 400, fields.error().message);
  switch (book.update(route, *fields)) {
    case Change::kApplied:
      return success(request, route, *fields, Effect::kApplied);
    case Change::kRepeated:
      return success(request, route, *fields, Effect::kRepeated);
    case Change::kNotFound:
      break;
  }
  return error(request, 404, "The object does not exist");
}

}  // namespace

ApiAnswer answer_update_request(const ApiRequest& request, ObjectBook& book) {
  const RouteMatch match = match_route(request.path);
  if (std::holds_alternative<UnknownPath>(match)) return error(request, 404, "Unknown resource");
  if (const auto* bad = std::get_if<BadId>(&match)) return error(request, 400, bad->message);
  const Route& route = std::get<Route>(match);
  const bool updatable = api::target_info(route.target).allows_update;

  if (request.method == "DELETE") return answer_delete(request, route, book);
  if (request.method == "PUT" && updatable) return answer_update(request, route, book);
  ApiAnswer answer =
      error(request, 405, fmt::format("{} is not allowed on this resource", request.method));
  answer.allow = updatable ? "PUT, DELETE" : "DELETE";
  return answer;
}

ApiAnswer unauthorized_answer(std::string_view path, std::string_view date) {
  return {401, error_body(path, date, 401, "Invalid API credentials"), "", Effect::kNone};
}

ApiAnswer ping_answer(std::string_view path, std::string_view date) {
  return {200, success_body(path, date, R"({"ping":"pong"})"), "", Effect::kNone};
}

ApiAnswer error_answer(std::string_view path, std::string_view date, int status) {
  std::string_view info = "The request could not be processed";
  switch (status) {
    case 400:
      info = "The request is malformed";
      break;
    case 404:
      info = "Unknown resource";
      break;
    case 405:
      info = "This method is not allowed on this resource";
      break;
    case 413:
      info = "The request body is too large";
      break;
    case 414:
      info = "The request path is too long";
      break;
    case 429:
      info = "Too many requests: slow down and retry after the time given in Retry-After";
      break;
    case 500:
      info = "An internal error occurred; the request was not processed";
      break;
    case 503:
      info = "The service is temporarily overloaded; the request was not processed";
      break;
  }
  return {status, error_body(path, date, status, info), "", Effect::kNone};
}

}  // namespace oneall::sandbox
