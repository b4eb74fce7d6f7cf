#pragma once

#include "http/beast.hpp"
#include "http/server_context.hpp"

#include <atomic>
#include <memory>
#include <vector>

namespace runcast::http {

/// Accepts connections and starts an http_session, on its own strand, for each; the
/// strands are spread over the server's io_contexts in turn.
class listener : public std::enable_shared_from_this<listener> {
public:
  /// Binds and listens; throws boost::system::system_error if it cannot.
  listener(net::io_context& ioc, tcp::endpoint endpoint, server_context& ctx);

  /// Puts new connections on these io_contexts in turn (default: the listener's own).
  /// Before run().
  void spread_over(std::vector<net::io_context*> contexts);

  /// Starts accepting.
  void run();

  /// Stops accepting (open connections carry on).
  void stop();

  /// The bound port (useful with port 0).
  unsigned short port() const;

private:
  void do_accept();
  void on_accept(beast::error_code ec, tcp::socket socket);
  void fail(beast::error_code ec, char const* what);

  std::vector<net::io_context*> contexts_;
  size_t next_context_ = 0; ///< on the acceptor's strand
  tcp::acceptor acceptor_;
  server_context& ctx_;
  std::shared_ptr<std::atomic<size_t>> open_ = std::make_shared<std::atomic<size_t>>(0);
};

} // namespace runcast::http
