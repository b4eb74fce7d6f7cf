#pragma once

#include <chrono>
#include <cstddef>

namespace runcast {

/// Every bound, batch size, pool size and timeout of the runtime in one place, with
/// production defaults. Tests shrink them; `runcast serve` exposes each one as an option
/// (core/limit_options.hpp), and `runcast --help` shows these defaults.
struct limits {
  using ms = std::chrono::milliseconds;

  // -- event log: per-run memory ---------------------------------------------------------
  size_t retain_events = 10'000;         ///< stored frames kept in memory per run
  size_t retain_bytes = 8 * 1024 * 1024; ///< ...their bytes (unstored: unpersisted_bytes)
  ms retention = std::chrono::minutes{30}; ///< a finished run's log stays this long

  // -- event log: persistence (write-behind, group commit) -------------------------------
  size_t flush_batch = 512;  ///< events per store transaction
  ms store_retry_max{5000};  ///< longest back-off between retries of a failed store write
  size_t unpersisted_bytes = 4 * 1024 * 1024; ///< per run: past it the producer pauses
  ms store_outage = std::chrono::seconds{60}; ///< writes failing this long fail the run

  // -- event logs: per node --------------------------------------------------------------
  size_t node_unpersisted_bytes = 64 * 1024 * 1024; ///< all runs: past it producers pause
  size_t finished_logs = 10'000;                    ///< finished runs' logs kept in memory
  size_t finished_bytes = 256 * 1024 * 1024;        ///< ...and their bytes

  // -- runs --------------------------------------------------------------------------------
  size_t step_batch = 256;           ///< zero-delay steps coalesced into one batch
  size_t max_pending_emits = 8192; ///< events an async producer may have waiting
  size_t io_threads = 1;             ///< threads of the executor async runnables use

  // -- load: past a bound new work is refused (429 or 503 with Retry-After), never queued --
  size_t max_live_runs = 10'000;    ///< runs running on this node at once
  size_t max_starting_runs = 1'000; ///< starts waiting for the store to take their run
  size_t max_streams = 8'000;       ///< SSE streams open at once (below max_connections)
  ms retry_after{1000};             ///< the Retry-After hint of those answers

  // -- subscribers -----------------------------------------------------------------------
  size_t subscriber_window = 1024;        ///< frames in flight per subscriber
  ms stall_timeout = std::chrono::seconds{30}; ///< window full this long → subscriber cut
  ms stall_check{1000};                   ///< how often stalled subscribers are checked
  ms keepalive = std::chrono::seconds{15};     ///< idle SSE comment
  ms sse_retry = std::chrono::seconds{2};      ///< `retry:` hint
  size_t replay_batch = 512;              ///< events per store read of a store replay
  size_t replay_first_batch = 8;          ///< events in its first read (capped by the above)

  // -- HTTP ------------------------------------------------------------------------------
  size_t max_body_bytes = 1024 * 1024; ///< request body limit
  size_t max_header_bytes = 16 * 1024;
  ms read_timeout = std::chrono::seconds{30};  ///< a whole request, from its first byte
  ms idle_timeout = std::chrono::seconds{60};  ///< a connection waiting for a request
  ms write_timeout = std::chrono::seconds{30}; ///< writing one response
  ms auth_cookie_ttl = std::chrono::hours{12}; ///< a browser login lasts this long
  size_t max_connections = 10'000;
  size_t write_max_frames = 512;          ///< frames gathered into one socket write
  size_t write_max_bytes = 1024 * 1024;   ///< bytes gathered into one socket write

  // -- store -----------------------------------------------------------------------------
  ms store_timeout = std::chrono::seconds{10}; ///< per store request
  ms health_timeout{2000}; ///< /health answers 503 if the store's probe takes longer
  size_t store_threads = 2;                   ///< threads for blocking store reads
  ms session_delete_wait = std::chrono::seconds{5}; ///< DELETE waits for cancelled runs

  // -- cluster ---------------------------------------------------------------------------
  ms peer_connect_timeout = std::chrono::seconds{5}; ///< one connect + hello to a peer
  ms peer_backoff_min{200};                          ///< reconnect back-off, first
  ms peer_backoff_max{5000};                         ///< reconnect back-off, at most

  // -- shutdown --------------------------------------------------------------------------
  ms shutdown_grace = std::chrono::seconds{10}; ///< for live runs to finish; then ERROR
};

} // namespace runcast
