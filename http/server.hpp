#pragma once

#include "http/server_context.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace boost::asio {
class io_context;
} // namespace boost::asio

namespace runcast::http {

class listener;

/// The HTTP server: a few I/O threads, each running an io_context of its own, and a
/// listener that accepts on each of them.
class server {
public:
  /// Binds `host:port` (port 0: any free port). Throws if it cannot.
  server(server_context& ctx, const std::string& host, uint16_t port);

  /// The same on the caller's `io`, which the caller runs: `start` then only begins
  /// accepting, and `stop` only stops accepting (the caller's threads end the connections
  /// when it stops `io`).
  server(server_context& ctx, const std::string& host, uint16_t port,
         boost::asio::io_context& io);
  ~server();

  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// The bound port.
  uint16_t port() const;

  /// Starts accepting and `threads` I/O threads (at least one; none on the caller's
  /// io_context) and returns.
  void start(size_t threads);

  /// Stops accepting new connections; streams in progress go on.
  void stop_accepting();

  /// Stops the I/O threads (closing every connection) and joins them.
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace runcast::http
