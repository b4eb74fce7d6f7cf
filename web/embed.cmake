# Turns the web files into C++ sources (raw strings) so the executable serves them with no
# files beside it: web/index.html and web/console.js (the console,
# GET / and GET /console.js) and web/openapi.json (GET /openapi.json).
# Re-run automatically when a file changes.
function(runcast_embed_web file symbol header out_var)
  set(path ${PROJECT_SOURCE_DIR}/web/${file})
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${path})
  file(READ ${path} content)
  set(source ${CMAKE_CURRENT_BINARY_DIR}/${symbol}.cpp)
  file(WRITE ${source}.in
    "// Generated from web/${file} by web/embed.cmake; do not edit.\n"
    "#include \"${header}\"\n\n"
    "namespace runcast::http {\n\n"
    "const std::string_view ${symbol} = R\"runcast_page(${content})runcast_page\";\n\n"
    "} // namespace runcast::http\n")
  configure_file(${source}.in ${source} COPYONLY)
  set(${out_var} ${source} PARENT_SCOPE)
endfunction()

runcast_embed_web(index.html console_page http/console_page.hpp runcast_console_source)
runcast_embed_web(console.js console_script http/console_page.hpp runcast_script_source)
runcast_embed_web(openapi.json openapi_document http/openapi_document.hpp runcast_openapi_source)
