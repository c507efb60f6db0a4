# `cpack` in the build directory makes oneall-bulk_VERSION_ARCH.deb from what cmake/install.cmake
# installs, under /usr. Its dependencies are found by dpkg-shlibdeps from the binary, not kept
# by hand. tests/package/package_test.sh builds it and runs lintian on it.
set(CPACK_GENERATOR DEB)
# cpack (and make install) would first build every target, the test suites too; the package
# needs only what cmake/install.cmake installs, which `cmake --build` has made.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
set(CPACK_PACKAGE_NAME oneall-bulk)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "oneall-bulk developers")
# Who answers for the package; a packager sets their own (-DONEALL_PACKAGE_MAINTAINER=...).
set(ONEALL_PACKAGE_MAINTAINER "oneall-bulk developers <oneall-bulk@example.org>"
    CACHE STRING "Maintainer of the .deb: Name <address>")
set(CPACK_PACKAGE_CONTACT "${ONEALL_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "bulk updates and deletes through the OneAll Update API, queued and audited")
# Lines of at most 80 columns, as Debian's package description asks.
string(CONCAT CPACK_PACKAGE_DESCRIPTION
    "oneall-bulk reads update and delete jobs for content published through\n"
    "OneAll (Facebook page posts, pictures and videos, Pinterest pins, tweets)\n"
    "from YAML or CSV job files, queues them durably in SQLite or PostgreSQL,\n"
    "sends them concurrently with rate limits, retries and a circuit breaker,\n"
    "and records every request and answer in a hash-chained audit log. A\n"
    "built-in sandbox emulates the API for rehearsals. systemd units run one\n"
    "queue per instance on a timer.")
# The changelog's one entry is this version, dated at configure time (SOURCE_DATE_EPOCH, when set,
# for a reproducible build), signed by the package's maintainer.
string(TIMESTAMP ONEALL_CHANGELOG_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
configure_file(packaging/changelog.in ${PROJECT_BINARY_DIR}/packaging/changelog @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/packaging/changelog DESTINATION ${oneall_doc_dir})

set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# Debian wants man pages and the changelog compressed (gzip -9n: no name, no time stamp, so the
# package is the same from one build to the next); cmake --install leaves them plain.
set(CPACK_PRE_BUILD_SCRIPTS ${PROJECT_SOURCE_DIR}/cmake/package_compress.cmake)
include(CPack)
