#include "jobfile/yaml_cpp_version.hpp"

namespace oneall::jobfile {

std::string yaml_cpp_library_version() { return ONEALL_YAML_CPP_VERSION; }

}  // namespace oneall::jobfile
