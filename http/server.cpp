#include "http/server.hpp"

#include "http/listener.hpp"

namespace runcast::http {

struct server::impl {
  explicit impl(net::io_context* external)
    : owned(external == nullptr ? std::make_unique<net::io_context>() : nullptr),
      ioc(external == nullptr ? *owned : *external) {
  }

  std::unique_ptr<net::io_context> owned; ///< none on the caller's io_context
  net::io_context& ioc;
  std::shared_ptr<listener> acceptor;
  std::vector<std::thread> threads;
};

server::server(server_context& ctx, const std::string& host, uint16_t port)
  : impl_(std::make_unique<impl>(nullptr)) {
  auto address = net::ip::make_address(host);
  impl_->acceptor = std::make_shared<listener>(impl_->ioc, tcp::endpoint{address, port}, ctx);
}

server::server(server_context& ctx, const std::string& host, uint16_t port,
               net::io_context& io)
  : impl_(std::make_unique<impl>(&io)) {
  auto address = net::ip::make_address(host);
  impl_->acceptor = std::make_shared<listener>(impl_->ioc, tcp::endpoint{address, port}, ctx);
}

server::~server() {
  stop();
}

uint16_t server::port() const {
  return impl_->acceptor->port();
}

void server::start(size_t threads) {
  impl_->acceptor->run();
  if (!impl_->owned)
    return; // the caller's threads run its io_context
  for (size_t i = 0; i < std::max<size_t>(1, threads); ++i)
    impl_->threads.emplace_back([this] { impl_->ioc.run(); });
}

void server::stop_accepting() {
  impl_->acceptor->stop();
}

void server::stop() {
  if (!impl_->owned) {
    impl_->acceptor->stop();
    return;
  }
  impl_->ioc.stop();
  for (auto& t : impl_->threads)
    if (t.joinable())
      t.join();
  impl_->threads.clear();
}

} // namespace runcast::http
