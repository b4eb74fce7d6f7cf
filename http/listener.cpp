#include "http/listener.hpp"

#include "http/http_session.hpp"

#include <spdlog/spdlog.h>

namespace runcast::http {

listener::listener(net::io_context& ioc, tcp::endpoint endpoint, server_context& ctx)
  : ioc_(ioc), acceptor_(net::make_strand(ioc)), ctx_(ctx) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(net::socket_base::max_listen_connections);
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
  acceptor_.async_accept(net::make_strand(ioc_),
                         beast::bind_front_handler(&listener::on_accept, shared_from_this()));
}

void listener::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor_.is_open())
    return;
  if (ec) {
    // Typically EMFILE: log it and keep accepting rather than dying.
    spdlog::warn("accept failed: {}", ec.message());
  } else {
    beast::error_code opt_ec;
    socket.set_option(tcp::no_delay(true), opt_ec);
    std::make_shared<http_session>(std::move(socket), ctx_)->run();
  }
  do_accept();
}

} // namespace runcast::http
