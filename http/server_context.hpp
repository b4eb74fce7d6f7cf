#pragma once

#include "core/limits.hpp"
#include "http/stream_registry.hpp"
#include "runtime/engine.hpp"

#include <memory>
#include <vector>

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
  /// Origins whose pages may call the API (`--cors-origin`); empty: CORS off.
  std::vector<std::string> cors_origins = {};
  /// The open SSE streams: their bound, and their clean end on shutdown.
  std::shared_ptr<stream_registry> streams = std::make_shared<stream_registry>();
};

} // namespace runcast::http
