#pragma once

/// @file
/// runcast's HTTP API (the reference server's contract: runs, resume, SSE, sessions) served
/// for a node, on the caller's `io_context` or on threads of its own.

#include "runcast/node.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace boost::asio {
class io_context;
} // namespace boost::asio

namespace runcast {

/// Where and how the HTTP API listens.
struct http_options {
  std::string host = "127.0.0.1"; ///< the address to bind
  uint16_t port = 7777;           ///< 0: any free port (see `http_server::port`)
  std::string auth_key = {};      ///< non-empty: every endpoint but /health needs it
  std::vector<std::string> cors_origins = {}; ///< pages of these origins may call the API
};

/// The HTTP API of a node. Binds at construction; serves once started.
class http_server {
public:
  /// Binds `opts.host:opts.port` for `n`, serving on runcast's own I/O threads once
  /// `start(threads)` is called. Throws if the address cannot be bound.
  http_server(node& n, http_options opts);

  /// Binds for `n` on the caller's `io`: accepting begins at once, and the caller runs
  /// `io` (its threads serve the connections). `start()` must not be called.
  http_server(node& n, http_options opts, boost::asio::io_context& io);

  /// Stops serving (see `stop`).
  ~http_server();

  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  /// The bound port.
  uint16_t port() const;

  /// Starts `threads` I/O threads of runcast's own.
  void start(std::size_t threads = 2);

  /// Stops accepting; streams in progress go on until `stop` (or the node's shutdown ends
  /// their runs).
  void stop_accepting();

  /// Refuses new SSE streams and ends every open one cleanly (its last chunk), so that
  /// clients reconnect at once — to another node behind a load balancer — and resume from
  /// their last event. Call it after `stop_accepting`, before the node's shutdown.
  void end_streams();

  /// Stops accepting and, with runcast's own threads, closes every connection and joins
  /// them. With the caller's `io_context`, open connections end when the caller stops it.
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace runcast
