# What `oneall-bulk --version` reports (src/cli/version_report.cpp): the project VERSION, the
# yaml-cpp version CMake found, and the git revision, which is looked up at every build rather
# than at configure time, so a build after a commit does not report the old one.
set(oneall_generated_dir ${PROJECT_BINARY_DIR}/generated)
add_custom_target(oneall_git_revision
  COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
          -DOUTPUT=${oneall_generated_dir}/git_revision.hpp
          -P ${PROJECT_SOURCE_DIR}/cmake/git_revision.cmake
  BYPRODUCTS ${oneall_generated_dir}/git_revision.hpp
  VERBATIM)
add_dependencies(oneall_cli oneall_git_revision)
target_include_directories(oneall_cli PRIVATE ${oneall_generated_dir})
set(oneall_yaml_cpp_version "${yaml-cpp_VERSION}")
if(NOT oneall_yaml_cpp_version)
  set(oneall_yaml_cpp_version unknown)
endif()
set_source_files_properties(src/cli/version_report.cpp PROPERTIES COMPILE_DEFINITIONS
  "ONEALL_VERSION=\"${PROJECT_VERSION}\"")
set_source_files_properties(src/jobfile/yaml_cpp_version.cpp PROPERTIES COMPILE_DEFINITIONS
  "ONEALL_YAML_CPP_VERSION=\"${oneall_yaml_cpp_version}\"")
