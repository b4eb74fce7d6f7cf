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
#include <string>
#include <thread>

using namespace runcast;
using namespace runcast::http;

namespace {

/// A GET on a new connection to 127.0.0.1:`port`; the answer's status, or 0 if none came
/// within 20 s (a context nobody runs answers never: the test fails, it does not hang).
unsigned get_status(unsigned short port, const std::string& target) {
  net::io_context ioc;
  beast::tcp_stream stream{ioc};
  stream.expires_after(std::chrono::seconds{20});
  bhttp::request<bhttp::empty_body> req{bhttp::verb::get, target, 11};
  req.set(bhttp::field::host, "localhost");
  req.keep_alive(false);
  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> res;
  unsigned status = 0;
  stream.async_connect({net::ip::make_address("127.0.0.1"), port}, [&](beast::error_code ec) {
    if (ec)
      return;
    bhttp::async_write(stream, req, [&](beast::error_code ec, size_t) {
      if (ec)
        return;
      bhttp::async_read(stream, buffer, res, [&](beast::error_code ec, size_t) {
        if (!ec)
          status = res.result_int();
      });
    });
  });
  ioc.run();
  return status;
}

} // namespace

TEST_CASE("every context a listener is given accepts, and keeps what it accepts") {
  test::temp_dir dir;
  runtime::engine_options opts;
  opts.worker_threads = 2;
  auto db = persistence::open_store("sqlite:" + (dir.path() / "db").string());
  runtime::engine engine{opts, std::move(db), component_registry::demo()};
  server_context ctx{engine, opts.lim, {}};
  net::io_context first{1};
  net::io_context second{1};
  tcp::endpoint any_port{net::ip::make_address("127.0.0.1"), 0};
  auto l = std::make_shared<listener>(first, any_port, ctx);
  l->accept_on({&first, &second});
  l->run();
  // Only the second context runs: a connection the first accepted, or one handed to the
  // first, would never be answered.
  auto work = net::make_work_guard(second);
  std::thread io{[&] { second.run(); }};
  for (int i = 0; i < 3; ++i)
    CHECK(get_status(l->port(), "/health") == 200);
  // Each acceptor closes on its own context: the second's as it runs out of work, the
  // first's when it runs now. No handler is left holding the listener past its contexts.
  l->stop();
  work.reset();
  io.join();
  first.run();
}
