#include "http/listener.hpp"

#include "http/connection_slot.hpp"
#include "http/http_session.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>
#include <string>

namespace runcast::http {

listener::listener(net::io_context& ioc, tcp::endpoint endpoint, server_context& ctx)
  : contexts_{&ioc}, acceptor_(net::make_strand(ioc)), ctx_(ctx) {
  // Asio's own message names neither the address nor the port, and an operator who starts
  // a second node on a taken port needs both.
  beast::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec)
    acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec)
    acceptor_.bind(endpoint, ec);
  if (!ec)
    acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error("cannot listen on " + endpoint.address().to_string() + ":"
                             + std::to_string(endpoint.port()) + ": " + ec.message());
}

void listener::spread_over(std::vector<net::io_context*> contexts) {
  if (!contexts.empty())
    contexts_ = std::move(contexts);
}

void listener::run() {
  do_accept();
}

void listener::stop() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    beast::error_code ec;
    self->acceptor_.close(ec);
  });
}

unsigned short listener::port() const {
  return acceptor_.local_endpoint().port();
}

void listener::do_accept() {
  // Each connection gets its own strand: its handlers never run concurrently.
  auto& ioc = *contexts_[next_context_++ % contexts_.size()];
  acceptor_.async_accept(net::make_strand(ioc),
                         beast::bind_front_handler(&listener::on_accept, shared_from_this()));
}

void listener::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor_.is_open())
    return;
  if (ec) {
    // Typically EMFILE: log it and keep accepting rather than dying.
    fail(ec, "accept");
  } else {
    beast::error_code opt_ec;
    socket.set_option(tcp::no_delay(true), opt_ec);
    // Over the bound the session gets no slot: it reads the request and answers 503, so the
    // client learns why instead of seeing a reset.
    std::shared_ptr<connection_slot> slot;
    if (open_->load() < ctx_.lim.max_connections)
      slot = std::make_shared<connection_slot>(open_);
    else
      spdlog::warn("refusing a request: {} connections open (max_connections)", open_->load());
    std::make_shared<http_session>(std::move(socket), ctx_, std::move(slot))->run();
  }
  do_accept();
}

void listener::fail(beast::error_code ec, char const* what) {
  // operation_aborted: stop() closed the acceptor, the normal way out.
  if (ec == net::error::operation_aborted)
    return;
  // Warn, not debug: a failing accept (out of descriptors) refuses every client.
  spdlog::warn("listener: {}: {}", what, ec.message());
}

} // namespace runcast::http
