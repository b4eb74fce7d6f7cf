#pragma once

#include <chrono>
#include <cstddef>

namespace runcast {

/// Every bound and timeout of the runtime in one place, with production defaults.
/// Tests shrink them; `runcast serve` exposes the ones operators tune.
struct limits {
  // -- event log: per-run memory ---------------------------------------------------------
  size_t retain_events = 10'000;                       ///< frames kept in memory per run
  size_t retain_bytes = 8 * 1024 * 1024;               ///< bytes kept in memory per run
  std::chrono::milliseconds retention = std::chrono::minutes{30}; ///< after a run ends

  // -- event log: persistence (write-behind, group commit) -------------------------------
  size_t flush_batch = 512;                            ///< events per store transaction
  std::chrono::milliseconds flush_delay{2};            ///< longest an event waits unwritten

  // -- runnables -------------------------------------------------------------------------
  size_t max_pending_emits = 65'536; ///< events an async producer may have waiting

  // -- subscribers -----------------------------------------------------------------------
  size_t subscriber_window = 1024;                     ///< frames in flight per subscriber
  std::chrono::milliseconds stall_timeout = std::chrono::seconds{30}; ///< window full this long → cut
  std::chrono::milliseconds keepalive = std::chrono::seconds{15};    ///< idle SSE comment
  std::chrono::milliseconds sse_retry = std::chrono::seconds{2};     ///< `retry:` hint

  // -- HTTP ------------------------------------------------------------------------------
  size_t max_body_bytes = 1024 * 1024;                 ///< request body limit
  size_t max_header_bytes = 16 * 1024;
  std::chrono::milliseconds read_timeout = std::chrono::seconds{30};
  size_t max_connections = 10'000;

  // -- store -----------------------------------------------------------------------------
  std::chrono::milliseconds store_timeout = std::chrono::seconds{10}; ///< per store request
};

} // namespace runcast
