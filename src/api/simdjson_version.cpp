#include "api/simdjson_version.hpp"

#include <simdjson.h>

namespace oneall::api {

#define ONEALL_STRINGIFY_VALUE(x) #x
#define ONEALL_STRINGIFY(x) ONEALL_STRINGIFY_VALUE(x)

std::string simdjson_library_version() { return ONEALL_STRINGIFY(SIMDJSON_VERSION); }

std::string simdjson_implementation() { return simdjson::get_active_implementation()->name(); }

}  // namespace oneall::api
