# `cmake --install`: the runcast executable, the libraries and headers an embedding program
# uses (find_package(runcast CONFIG REQUIRED) → runcast::runcast, or pkg-config runcast), and
# what the Debian package of the server adds (a systemd unit, a default config). `cpack -G DEB`
# packages the `server` component (cmake/packaging.cmake).
include(CMakePackageConfigHelpers)

set(runcast_libraries
  runcast_core runcast_persistence runcast_actors runcast_cluster runcast_runnables
  runcast_runtime runcast_http runcast_api)
set(runcast_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/runcast)

# The server.
install(TARGETS runcast RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT server)
install(FILES packaging/runcast.service
  DESTINATION lib/systemd/system COMPONENT server)
# /etc whatever the prefix: the unit file names /etc/runcast/runcast.json.
install(FILES packaging/runcast.json DESTINATION /etc/runcast COMPONENT server)

# The library: static libraries (runcast_internal carries only our warning and sanitizer
# flags; it is exported because the libraries name it), the public headers, and the module
# headers they include, under include/runcast/detail.
install(TARGETS ${runcast_libraries} runcast_internal EXPORT runcast-targets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev)
install(DIRECTORY include/runcast DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev)
foreach(module core persistence actors cluster runnables runtime http)
  install(DIRECTORY ${module} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/runcast/detail
    COMPONENT dev FILES_MATCHING PATTERN "*.hpp")
endforeach()
install(EXPORT runcast-targets NAMESPACE runcast:: DESTINATION ${runcast_cmake_dir}
  COMPONENT dev)
configure_package_config_file(cmake/runcastConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/runcastConfig.cmake INSTALL_DESTINATION ${runcast_cmake_dir})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/runcastConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${CMAKE_CURRENT_BINARY_DIR}/runcastConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/runcastConfigVersion.cmake
  cmake/runcast-caf.cmake
  DESTINATION ${runcast_cmake_dir} COMPONENT dev)

# pkg-config: the same libraries, most dependent first.
configure_file(cmake/runcast.pc.in ${CMAKE_CURRENT_BINARY_DIR}/runcast.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/runcast.pc
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT dev)

include(cmake/packaging.cmake)
