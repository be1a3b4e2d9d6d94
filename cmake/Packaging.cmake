# What a release installs, and the .deb made from it (scripts/package.sh runs cpack): the server
# in /usr/bin, each skill's SKILL.md in /usr/share/nemo-video-mcp/skills/<slug>/, and in
# /usr/share/doc/nemo-video-mcp/ the README and the notices of the libraries compiled in.

# The licences of what the portable binary contains, from the Debian packages it was built with
# (libstdc++ and libgcc are covered by the GCC Runtime Library Exception and need no notice).
set(NEMO_NOTICES ${CMAKE_BINARY_DIR}/THIRD-PARTY-NOTICES.txt)
file(WRITE ${NEMO_NOTICES} "nemo-video-mcp ${PROJECT_VERSION} contains code of the following libraries.\n")
foreach(package IN ITEMS libspdlog-dev libfmt-dev libyaml-cpp-dev nlohmann-json3-dev libvalijson-dev)
  file(READ /usr/share/doc/${package}/copyright text)
  file(APPEND ${NEMO_NOTICES} "\n===== ${package} (Debian's copyright file) =====\n\n${text}")
endforeach()

# cpack installs what is built: without this, it would first build every target (the tests too).
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
install(TARGETS nemo-video-mcp RUNTIME DESTINATION bin)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/manifests/ DESTINATION share/nemo-video-mcp/skills)
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION share/doc/nemo-video-mcp)
install(FILES ${NEMO_NOTICES} DESTINATION share/doc/nemo-video-mcp RENAME copyright)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME nemo-video-mcp)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "MCP server that makes videos with NemoVideo")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "MCP server that makes videos with NemoVideo
 An AI agent (Claude Code, Cursor, Claude Desktop, any MCP client) starts nemo-video-mcp
 and calls its tools over stdio: create_session, chat, upload, credits, state, export.
 The skills' instructions for agents are in /usr/share/nemo-video-mcp/skills/.")
set(CPACK_PACKAGE_CONTACT "nemo-video-mcp maintainers")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
# libcurl is loaded at run time (dlopen), so dpkg-shlibdeps could not see it: the dependencies are
# stated here. 2.35 is the glibc the binary's symbol versions ask for (libgcc's unwinder calls
# _dl_find_object); the package tests check it.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libc6 (>= 2.35), libcurl4 (>= 7.85) | libcurl4t64")
if(CMAKE_SYSTEM_PROCESSOR STREQUAL "aarch64")
  set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE arm64)  # cpack would ask dpkg, which answers for the build machine
endif()
include(CPack)
