#pragma once

#include "core/limits.hpp"
#include "runtime/engine.hpp"

#include <string>

namespace runcast::http {

/// What request handlers share: the runtime (runs, sessions, components) and the HTTP
/// settings. Lives as long as the server; everything in it is thread-safe.
struct server_context {
  runtime::engine& engine;
  limits lim;
  std::string auth_key; ///< empty: no authentication
};

} // namespace runcast::http
