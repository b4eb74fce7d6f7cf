#include "http/listener.hpp"

#include "http/connection_slot.hpp"
#include "http/http_session.hpp"

#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace runcast::http {

listener::listener(net::io_context& ioc, tcp::endpoint endpoint, server_context& ctx)
  : protocol_(endpoint.protocol()), ctx_(ctx) {
  contexts_.push_back(&ioc);
  held_.push_back(std::make_shared<std::atomic<size_t>>(0));
  auto& acceptor = acceptors_.emplace_back(net::make_strand(ioc));
  // Asio's own message names neither the address nor the port, and an operator who starts
  // a second node on a taken port needs both.
  beast::error_code ec;
  acceptor.open(protocol_, ec);
  if (!ec)
    acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec)
    acceptor.bind(endpoint, ec);
  if (!ec)
    acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error("cannot listen on " + endpoint.address().to_string() + ":"
                             + std::to_string(endpoint.port()) + ": " + ec.message());
}

void listener::accept_on(const std::vector<net::io_context*>& contexts) {
  auto listening = acceptors_.front().native_handle();
  for (auto* ioc : contexts) {
    if (std::find(contexts_.begin(), contexts_.end(), ioc) != contexts_.end())
      continue;
    // A second descriptor of the same socket, registered with this context's reactor: the
    // kernel keeps one queue of connections, and whichever context is first takes the
    // next (the others' accepts find none and wait again). SO_REUSEPORT would give each
    // thread a queue of its own, but would let another process of this user bind the
    // same port and take a share of its clients without an error.
    int fd = ::fcntl(listening, F_DUPFD_CLOEXEC, 0);
    if (fd < 0)
      throw std::runtime_error(std::string{"cannot share the listening socket: "}
                               + std::strerror(errno));
    beast::error_code ec;
    auto& acceptor = acceptors_.emplace_back(net::make_strand(*ioc));
    acceptor.assign(protocol_, fd, ec);
    if (ec) {
      ::close(fd);
      acceptors_.pop_back();
      throw std::runtime_error("cannot share the listening socket: " + ec.message());
    }
    contexts_.push_back(ioc);
    held_.push_back(std::make_shared<std::atomic<size_t>>(0));
  }
}

void listener::run() {
  for (size_t i = 0; i < acceptors_.size(); ++i)
    do_accept(i);
}

void listener::stop() {
  for (auto& acceptor : acceptors_)
    net::post(acceptor.get_executor(), [self = shared_from_this(), &acceptor] {
      beast::error_code ec;
      acceptor.close(ec);
    });
}

unsigned short listener::port() const {
  return acceptors_.front().local_endpoint().port();
}

void listener::do_accept(size_t which) {
  // Each connection gets its own strand on the context that accepted it: its handlers
  // never run concurrently, and with one thread per context they stay on that thread.
  acceptors_[which].async_accept(
    net::make_strand(*contexts_[which]),
    beast::bind_front_handler(&listener::on_accept, shared_from_this(), which));
}

void listener::on_accept(size_t which, beast::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptors_[which].is_open())
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
    if (open_->load() < ctx_.lim.max_connections) {
      auto home = place(which);
      if (home != which && !hand_over(socket, home)) {
        do_accept(which);
        return;
      }
      slot = std::make_shared<connection_slot>(open_, held_[home]);
    } else {
      spdlog::warn("refusing a request: {} connections open (max_connections)", open_->load());
    }
    std::make_shared<http_session>(std::move(socket), ctx_, std::move(slot))->run();
  }
  do_accept(which);
}

bool listener::hand_over(tcp::socket& socket, size_t to) {
  // Re-registered with the other context's reactor: two epoll_ctl calls, no copy.
  beast::error_code ec;
  int fd = socket.release(ec);
  tcp::socket moved{net::make_strand(*contexts_[to])};
  if (!ec)
    moved.assign(protocol_, fd, ec);
  if (ec) {
    if (fd >= 0)
      ::close(fd); // released from `socket`, not taken by `moved`
    spdlog::warn("listener: cannot hand a connection to another I/O thread: {}", ec.message());
    return false;
  }
  socket = std::move(moved);
  return true;
}

size_t listener::place(size_t which) const {
  size_t fewest = which;
  auto count = [this](size_t i) { return held_[i]->load(std::memory_order_relaxed); };
  for (size_t i = 0; i < held_.size(); ++i)
    if (count(i) < count(fewest))
      fewest = i;
  return count(which) > count(fewest) + rebalance_slack ? fewest : which;
}

void listener::fail(beast::error_code ec, char const* what) {
  // operation_aborted: stop() closed the acceptor, the normal way out.
  if (ec == net::error::operation_aborted)
    return;
  // Warn, not debug: a failing accept (out of descriptors) refuses every client.
  spdlog::warn("listener: {}: {}", what, ec.message());
}

} // namespace runcast::http
