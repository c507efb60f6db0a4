# What `cmake --install BUILD --prefix P` puts under P, and so what the .deb holds
# (cmake/package.cmake): the binary, its man page, bash and zsh completions made by the built
# binary, the job file schema and examples, the docs, and the systemd units (README, "Scheduling").
include(GNUInstallDirs)

install(TARGETS oneall-bulk RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES docs/oneall-bulk.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

set(oneall_completion_dir ${PROJECT_BINARY_DIR}/completions)
add_custom_command(
  OUTPUT ${oneall_completion_dir}/oneall-bulk ${oneall_completion_dir}/_oneall-bulk
  COMMAND ${CMAKE_COMMAND} -E make_directory ${oneall_completion_dir}
  COMMAND ${CMAKE_COMMAND} -DBINARY=$<TARGET_FILE:oneall-bulk> -DOUTPUT_DIR=${oneall_completion_dir}
          -P ${PROJECT_SOURCE_DIR}/cmake/completion_scripts.cmake
  DEPENDS oneall-bulk ${PROJECT_SOURCE_DIR}/cmake/completion_scripts.cmake
  COMMENT "Making the shell completion scripts with the built oneall-bulk"
  VERBATIM)
add_custom_target(oneall_completions ALL
                  DEPENDS ${oneall_completion_dir}/oneall-bulk ${oneall_completion_dir}/_oneall-bulk)
install(FILES ${oneall_completion_dir}/oneall-bulk
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES ${oneall_completion_dir}/_oneall-bulk
        DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)

install(FILES schema/jobfile.schema.json DESTINATION ${CMAKE_INSTALL_DATADIR}/oneall-bulk)
install(DIRECTORY jobs/examples DESTINATION ${CMAKE_INSTALL_DATADIR}/oneall-bulk)

set(oneall_doc_dir ${CMAKE_INSTALL_DATADIR}/doc/oneall-bulk)
install(FILES README.md docs/cli.md docs/formats.md packaging/copyright
        DESTINATION ${oneall_doc_dir})

# The units find the binary on systemd's PATH (/usr/local/bin, /usr/bin, ...), so they serve a
# /usr/local install and the package's /usr alike.
install(FILES systemd/oneall-bulk@.service systemd/oneall-bulk@.timer
        DESTINATION lib/systemd/system)
