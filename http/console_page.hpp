#pragma once

#include <string_view>

namespace runcast::http {

/// The web console (web/index.html), embedded at build time and served at `GET /`.
extern const std::string_view console_page;

/// The console's script (web/console.js), embedded the same way, served at `GET /console.js`.
extern const std::string_view console_script;

} // namespace runcast::http
