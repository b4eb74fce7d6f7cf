# `cpack -G DEB` (run in the build directory): a Debian package of the server — the runcast
# executable, a systemd unit and a default config in /etc/runcast (a conffile). Its library
# dependencies are computed by dpkg-shlibdeps.
set(CPACK_PACKAGE_NAME runcast)
set(CPACK_PACKAGE_VENDOR "runcast")
set(CPACK_PACKAGE_CONTACT "runcast maintainers <runcast@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "Agents, teams and workflows streamed as resumable Server-Sent Events")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# DESTDIR mode so the config's absolute /etc/runcast lands in the package (not on the
# building machine); in that mode CPack installs under CPACK_INSTALL_PREFIX, not the
# build's CMAKE_INSTALL_PREFIX (/usr/local), and a package belongs under /usr.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON) # the build keeps debug info; the package does not need it
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL server)
set(CPACK_DEBIAN_SERVER_PACKAGE_NAME runcast)
set(CPACK_DEBIAN_SERVER_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA ${PROJECT_SOURCE_DIR}/packaging/conffiles)
include(CPack)
