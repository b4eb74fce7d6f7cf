// The listener on real loopback sockets, with a runtime behind it (SQLite in a temporary
// directory): every io_context it is given accepts, and a connection is served on the
// context that accepted it.

#include "http/listener.hpp"

#include "core/component_registry.hpp"
#include "persistence/store.hpp"
#include "tests/support/temp_dir.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <catch2/catch.hpp>

#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

using namespace runcast;
using namespace runcast::http;

namespace {

/// A GET /health on `stream` (connected, on `ioc`); the answer's status, or 0 if none came
/// within 20 s (a context nobody runs answers never: the test fails, it does not hang).
unsigned ask_health(net::io_context& ioc, beast::tcp_stream& stream) {
  stream.expires_after(std::chrono::seconds{20});
  bhttp::request<bhttp::empty_body> req{bhttp::verb::get, "/health", 11};
  req.set(bhttp::field::host, "localhost");
  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> res;
  unsigned status = 0;
  bhttp::async_write(stream, req, [&](beast::error_code ec, size_t) {
    if (ec)
      return;
    bhttp::async_read(stream, buffer, res, [&](beast::error_code ec, size_t) {
      if (!ec)
        status = res.result_int();
    });
  });
  ioc.restart();
  ioc.run();
  return status;
}

/// A new connection to 127.0.0.1:`port`, on `ioc`.
beast::tcp_stream connect(net::io_context& ioc, unsigned short port) {
  beast::tcp_stream stream{ioc};
  stream.connect(tcp::endpoint{net::ip::make_address("127.0.0.1"), port});
  return stream;
}

/// A runtime on SQLite in a temporary directory and a listener on 127.0.0.1 (any port)
/// accepting on two io_contexts, `first` (the one it was made on) and `second`; neither runs
/// until a test runs it.
struct two_contexts {
  two_contexts() {
    l->accept_on({&first, &second});
    l->run();
  }

  test::temp_dir dir;
  runtime::engine_options opts;
  runtime::engine engine{opts, persistence::open_store("sqlite:" + (dir.path() / "db").string()),
                         component_registry::demo()};
  server_context ctx{engine, opts.lim, {}};
  net::io_context first{1};
  net::io_context second{1};
  std::shared_ptr<listener> l = std::make_shared<listener>(
    first, tcp::endpoint{net::ip::make_address("127.0.0.1"), 0}, ctx);
};

} // namespace

TEST_CASE("every context a listener is given accepts, and keeps what it accepts") {
  two_contexts t;
  auto& first = t.first;
  auto& second = t.second;
  auto& l = t.l;
  // Only the second context runs: a connection the first accepted, or one handed to the
  // first, would never be answered.
  auto work = net::make_work_guard(second);
  std::thread io{[&] { second.run(); }};
  net::io_context client;
  for (int i = 0; i < 3; ++i) {
    auto stream = connect(client, l->port());
    CHECK(ask_health(client, stream) == 200);
  }
  // Each acceptor closes on its own context: the second's as it runs out of work, the
  // first's when it runs now. No handler is left holding the listener past its contexts.
  l->stop();
  work.reset();
  io.join();
  first.run();
}

TEST_CASE("a context holding more connections than another hands new ones over") {
  two_contexts t;
  auto& first = t.first;
  auto& second = t.second;
  auto& l = t.l;
  // The second context's thread is held up: the first accepts every connection, and what it
  // hands over waits on the second until it is let go.
  std::promise<void> go;
  net::post(second, [held = go.get_future().share()] { held.wait(); });
  auto work = net::make_work_guard(second);
  std::thread io1{[&] { first.run(); }};
  std::thread io2{[&] { second.run(); }};
  // Connections that send nothing yet stay open, each counted where it lives.
  constexpr size_t n = 20;
  net::io_context client;
  std::vector<beast::tcp_stream> streams;
  for (size_t i = 0; i < n; ++i) {
    streams.push_back(connect(client, l->port()));
    // One at a time, so that each is placed after the one before.
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds{20};
    while (l->connections_on(0) + l->connections_on(1) < i + 1
           && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds{1});
  }
  auto kept = l->connections_on(0);
  auto handed = l->connections_on(1);
  CHECK(kept + handed == n);
  CHECK(handed > 0);
  CHECK(kept <= handed + listener::rebalance_slack + 1);
  go.set_value();
  for (auto& stream : streams)
    CHECK(ask_health(client, stream) == 200); // each served where it lives
  l->stop();
  work.reset();
  io2.join();
  io1.join();
}
