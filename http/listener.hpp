#pragma once

#include "http/beast.hpp"
#include "http/server_context.hpp"

#include <atomic>
#include <memory>
#include <vector>

namespace runcast::http {

/// Accepts connections and starts an http_session, on its own strand, for each.
///
/// With one io_context per I/O thread (the server's own threads) every context accepts for
/// itself, from the same listening socket, and keeps the connections it accepts: a new
/// connection's first request is read and answered on the thread that took it, with no
/// hand-over to another thread on the way (a wake-up of a sleeping thread costs tens of
/// microseconds on a VM: measured in bench/RESULTS.md). Only a context that holds more
/// than `rebalance_slack` connections over another hands new ones to the one with fewest:
/// a burst taken by the one awake thread would otherwise all land on it.
class listener : public std::enable_shared_from_this<listener> {
public:
  /// Binds and listens on `ioc`; throws std::runtime_error, naming the address, if it
  /// cannot.
  listener(net::io_context& ioc, tcp::endpoint endpoint, server_context& ctx);

  /// Accepts on these io_contexts as well, each with its own handle to the one listening
  /// socket; a connection stays on the context that accepted it. Before run().
  void accept_on(const std::vector<net::io_context*>& contexts);

  /// Starts accepting.
  void run();

  /// Stops accepting (open connections carry on).
  void stop();

  /// The bound port (useful with port 0).
  unsigned short port() const;

  /// The connections living on the `i`th context accepting (0: the constructor's), counted
  /// from their acceptance until they close (over-limit ones, answered 503, not included).
  size_t connections_on(size_t i) const {
    return held_.at(i)->load();
  }

  /// How many more connections than the least loaded context a context may hold before
  /// it hands new ones over.
  static constexpr size_t rebalance_slack = 8;

private:
  void do_accept(size_t which);
  /// The context a connection accepted on `which` goes to: `which`, unless it holds more
  /// than rebalance_slack connections over the one holding fewest.
  size_t place(size_t which) const;
  /// Moves `socket` onto contexts_[to]; false (the connection closed, logged) if it cannot.
  bool hand_over(tcp::socket& socket, size_t to);
  void on_accept(size_t which, beast::error_code ec, tcp::socket socket);
  void fail(beast::error_code ec, char const* what);

  /// One per context that accepts; the first bound the socket, the others hold duplicates
  /// of its descriptor. Each is used only on its own strand.
  tcp protocol_; ///< the listening socket's (IPv4 or IPv6)
  std::vector<tcp::acceptor> acceptors_;
  std::vector<net::io_context*> contexts_; ///< acceptors_[i] accepts on contexts_[i]
  /// held_[i]: the connections living on contexts_[i] (counted by their slots)
  std::vector<std::shared_ptr<std::atomic<size_t>>> held_;
  server_context& ctx_;
  std::shared_ptr<std::atomic<size_t>> open_ = std::make_shared<std::atomic<size_t>>(0);
};

} // namespace runcast::http
