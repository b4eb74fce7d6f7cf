#include "http/server.hpp"

#include "http/listener.hpp"

#include <spdlog/spdlog.h>

#include <exception>

namespace runcast::http {

namespace {

/// Runs `ioc` on this thread until it is stopped or out of work. An exception escaping a
/// handler leaves run() (Asio lets it through, and a later run() may resume); it is logged
/// and the thread goes back to work: one bad handler costs its own work (its connection,
/// whose handler is gone), not the process with every run and stream on it. Handlers are
/// written not to throw; this is the backstop.
void run_io(net::io_context& ioc) {
  for (;;) {
    try {
      ioc.run();
      return;
    } catch (const std::exception& e) {
      spdlog::error("http: an I/O handler threw ({}); the I/O thread goes on", e.what());
    } catch (...) {
      spdlog::error("http: an I/O handler threw a non-std exception; the I/O thread goes on");
    }
  }
}

} // namespace

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
    impl_->threads.emplace_back([this] { run_io(impl_->ioc); });
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
