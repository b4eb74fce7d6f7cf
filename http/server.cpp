#include "http/server.hpp"

#include "core/thread_name.hpp"
#include "http/listener.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <string>

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
  explicit impl(net::io_context* external) {
    if (external)
      contexts.push_back(external);
    else
      add_context();
  }

  /// One more io_context, for one I/O thread (concurrency hint 1: Asio skips what only
  /// several threads on one context need).
  void add_context() {
    owned.push_back(std::make_unique<net::io_context>(1));
    contexts.push_back(owned.back().get());
    // Kept running while it has no connection yet: stop() ends it.
    work.push_back(net::make_work_guard(*owned.back()));
  }

  /// Each I/O thread runs an io_context of its own, and a connection lives on one of
  /// them: its handlers never move between threads, and the threads do not contend for
  /// one context's queue (Beast's advice for throughput). Each accepts for itself.
  std::vector<std::unique_ptr<net::io_context>> owned; ///< none on the caller's io_context
  std::vector<net::io_context*> contexts;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> work;
  std::shared_ptr<listener> acceptor;
  std::vector<std::thread> threads;
};

server::server(server_context& ctx, const std::string& host, uint16_t port)
  : impl_(std::make_unique<impl>(nullptr)) {
  auto address = net::ip::make_address(host);
  impl_->acceptor =
    std::make_shared<listener>(*impl_->contexts[0], tcp::endpoint{address, port}, ctx);
}

server::server(server_context& ctx, const std::string& host, uint16_t port,
               net::io_context& io)
  : impl_(std::make_unique<impl>(&io)) {
  auto address = net::ip::make_address(host);
  impl_->acceptor = std::make_shared<listener>(io, tcp::endpoint{address, port}, ctx);
}

server::~server() {
  stop();
}

uint16_t server::port() const {
  return impl_->acceptor->port();
}

void server::start(size_t threads) {
  if (!impl_->owned.empty()) {
    while (impl_->contexts.size() < std::max<size_t>(1, threads))
      impl_->add_context();
    impl_->acceptor->accept_on(impl_->contexts);
  }
  impl_->acceptor->run();
  if (impl_->owned.empty())
    return; // the caller's threads run its io_context
  for (size_t i = 0; i < impl_->contexts.size(); ++i)
    impl_->threads.emplace_back([ioc = impl_->contexts[i], i] {
      name_this_thread("rc-http-" + std::to_string(i));
      run_io(*ioc);
    });
}

void server::stop_accepting() {
  impl_->acceptor->stop();
}

void server::stop() {
  if (impl_->owned.empty()) {
    impl_->acceptor->stop();
    return;
  }
  for (auto* ioc : impl_->contexts)
    ioc->stop();
  for (auto& t : impl_->threads)
    if (t.joinable())
      t.join();
  impl_->threads.clear();
}

} // namespace runcast::http
