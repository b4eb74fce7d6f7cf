#include "runcast/http_server.hpp"

#include "http/server.hpp"
#include "http/server_context.hpp"
#include "runtime/engine.hpp"

#include <optional>

namespace runcast {

struct http_server::impl {
  explicit impl(node& n, http_options o)
    : opts(std::move(o)), ctx{n.engine(), n.engine().lim(), opts.auth_key, 0, opts.cors_origins} {
  }

  http_options opts;
  http::server_context ctx;
  std::optional<http::server> server;
  bool own_threads = true;
};

http_server::http_server(node& n, http_options opts)
  : impl_(std::make_unique<impl>(n, std::move(opts))) {
  impl_->server.emplace(impl_->ctx, impl_->opts.host, impl_->opts.port);
}

http_server::http_server(node& n, http_options opts, boost::asio::io_context& io)
  : impl_(std::make_unique<impl>(n, std::move(opts))) {
  impl_->own_threads = false;
  impl_->server.emplace(impl_->ctx, impl_->opts.host, impl_->opts.port, io);
  impl_->server->start(0); // accepts on the caller's io_context; no threads of ours
}

http_server::~http_server() {
  stop();
}

uint16_t http_server::port() const {
  return impl_->server->port();
}

void http_server::start(std::size_t threads) {
  impl_->server->start(threads);
}

void http_server::stop_accepting() {
  impl_->server->stop_accepting();
}

void http_server::end_streams() {
  impl_->ctx.streams->end_all();
}

void http_server::stop() {
  impl_->server->stop_accepting();
  if (impl_->own_threads)
    impl_->server->stop();
}

} // namespace runcast
