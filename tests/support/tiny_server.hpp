#pragma once

// A tiny blocking HTTP peer for the tests of the test clients (http_client_test.cpp,
// sse_client_test.cpp): the test decides byte by byte what the "server" sends.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace runcast::test::peer {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

using request_type = http::request<http::string_body>;
using handler_type = std::function<void(tcp::socket&, const request_type&)>;

/// Something a connection handler waits for (never longer than 5 s) until the test opens it,
/// so the test controls exactly what the server has sent at each step.
class gate {
public:
  void open() {
    std::lock_guard<std::mutex> guard{mutex_};
    open_ = true;
    changed_.notify_all();
  }

  bool wait(std::chrono::milliseconds timeout = 5s) {
    std::unique_lock<std::mutex> lock{mutex_};
    return changed_.wait_for(lock, timeout, [this] { return open_; });
  }

private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool open_ = false;
};

/// A blocking HTTP server on 127.0.0.1:0: reads one request per connection and hands the
/// socket to `handler` on a thread of its own.
class tiny_server {
public:
  explicit tiny_server(handler_type handler)
    : acceptor_{ioc_, tcp::endpoint{net::ip::address_v4::loopback(), 0}},
      handler_{std::move(handler)} {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread{[this] { accept_loop(); }};
  }

  ~tiny_server() {
    stopping_ = true;
    // accept() blocks; a connection of our own wakes it to see stopping_.
    try {
      net::io_context ioc;
      tcp::socket wake{ioc};
      wake.connect(tcp::endpoint{net::ip::address_v4::loopback(), port_});
    } catch (...) {
    }
    thread_.join();
    for (auto& t : connections_)
      t.join();
  }

  tiny_server(const tiny_server&) = delete;
  tiny_server& operator=(const tiny_server&) = delete;

  uint16_t port() const { return port_; }

private:
  void accept_loop() {
    for (;;) {
      tcp::socket socket{ioc_};
      beast::error_code ec;
      acceptor_.accept(socket, ec);
      if (stopping_ || ec)
        return;
      connections_.emplace_back([this, s = std::move(socket)]() mutable { serve(s); });
    }
  }

  void serve(tcp::socket& socket) {
    beast::flat_buffer buffer;
    request_type req;
    beast::error_code ec;
    http::read(socket, buffer, req, ec);
    if (ec)
      return;
    socket.set_option(tcp::no_delay{true}, ec);
    handler_(socket, req);
  }

  net::io_context ioc_;
  tcp::acceptor acceptor_;
  handler_type handler_;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::vector<std::thread> connections_;  // touched by the accept thread only, until joined
};

inline void write_chunked_header(tcp::socket& socket) {
  http::response<http::empty_body> res{http::status::ok, 11};
  res.set(http::field::content_type, "text/event-stream");
  res.set(http::field::cache_control, "no-cache");
  res.chunked(true);
  http::response_serializer<http::empty_body> sr{res};
  beast::error_code ec;
  http::write_header(socket, sr, ec);
}

inline bool write_chunk(tcp::socket& socket, std::string_view data) {
  beast::error_code ec;
  net::write(socket, http::make_chunk(net::buffer(data.data(), data.size())), ec);
  return !ec;
}

inline void write_last_chunk(tcp::socket& socket) {
  beast::error_code ec;
  net::write(socket, http::make_chunk_last(), ec);
}

inline void write_raw(tcp::socket& socket, std::string_view data) {
  beast::error_code ec;
  net::write(socket, net::buffer(data.data(), data.size()), ec);
}

/// A port on 127.0.0.1 that nothing listens on (bound, then released).
inline uint16_t closed_port() {
  net::io_context ioc;
  tcp::acceptor acceptor{ioc, tcp::endpoint{net::ip::address_v4::loopback(), 0}};
  return acceptor.local_endpoint().port();  // closed again when acceptor goes away
}

} // namespace runcast::test::peer
