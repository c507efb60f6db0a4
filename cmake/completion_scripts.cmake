# Run at build time (cmake -P): writes the bash and zsh completion scripts the built BINARY
# prints (`oneall-bulk completion SHELL`) into OUTPUT_DIR, so the installed scripts are made from
# the very command line they complete.
foreach(shell bash zsh)
  if(shell STREQUAL bash)
    set(file ${OUTPUT_DIR}/oneall-bulk)
  else()
    set(file ${OUTPUT_DIR}/_oneall-bulk)
  endif()
  execute_process(COMMAND ${BINARY} completion ${shell} OUTPUT_FILE ${file}
                  RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "`${BINARY} completion ${shell}` failed (${status})")
  endif()
endforeach()
