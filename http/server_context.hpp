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
  /// TEST ONLY: every SSE stream is dropped after this many events (0: never), so browser
  /// tests can watch EventSource reconnect (`--fault-cut-streams-after`).
  size_t fault_cut_streams_after = 0;
};

} // namespace runcast::http
