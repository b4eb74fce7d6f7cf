# Turns web/index.html into a C++ source (a raw string) so the executable serves the console
# with no files beside it. Re-run automatically when the page changes.
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/web/index.html)
file(READ ${PROJECT_SOURCE_DIR}/web/index.html runcast_console_html)
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/console_page.cpp.in
  "// Generated from web/index.html by web/embed.cmake; do not edit.\n"
  "#include \"http/console_page.hpp\"\n\n"
  "namespace runcast::http {\n\n"
  "const std::string_view console_page = R\"runcast_page(${runcast_console_html})runcast_page\";\n\n"
  "} // namespace runcast::http\n")
configure_file(${CMAKE_CURRENT_BINARY_DIR}/console_page.cpp.in
               ${CMAKE_CURRENT_BINARY_DIR}/console_page.cpp COPYONLY)
