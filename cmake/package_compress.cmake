# CPack runs this after installing into its staging directory and before it builds the .deb:
# compresses the man page and the changelog there, as Debian policy asks (gzip -9n).
file(GLOB_RECURSE plain_files
     ${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*/share/man/*.1
     ${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*/share/doc/oneall-bulk/changelog)
foreach(file IN LISTS plain_files)
  execute_process(COMMAND gzip -9nf ${file} RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "gzip -9n ${file} failed")
  endif()
endforeach()
message(STATUS "compressed for the package: ${plain_files}")
