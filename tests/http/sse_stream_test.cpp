// The SSE stream on a real loopback connection (no runtime behind it): header and retry
// hint, frames in order with their credits, a clean end, a client that half-closes (and still
// reads to the end) and a client that leaves.

#include "http/sse_stream.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/strand.hpp>
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <thread>

using namespace runcast;
using namespace runcast::http;

namespace {

/// A connected pair on 127.0.0.1: `server` (on a strand, for an sse_stream) and `client`,
/// with an I/O thread running the server side.
struct socket_pair {
  socket_pair() {
    tcp::acceptor acceptor{ioc, {net::ip::make_address("127.0.0.1"), 0}};
    client.connect(acceptor.local_endpoint());
    server.emplace(acceptor.accept(net::make_strand(ioc)));
    thread = std::thread{[this] { ioc.run(); }};
  }

  ~socket_pair() {
    work.reset();
    ioc.stop();
    thread.join();
  }

  net::io_context ioc;
  net::executor_work_guard<net::io_context::executor_type> work{ioc.get_executor()};
  net::io_context client_ioc;
  tcp::socket client{client_ioc};
  std::optional<tcp::socket> server;
  std::thread thread;
};


} // namespace

TEST_CASE("an SSE stream writes its header, the retry hint and frames in order, then ends") {
  socket_pair io;
  limits lim;
  lim.write_max_frames = 2; // several gathered writes for five frames
  auto stream = std::make_shared<sse_stream>(beast::tcp_stream{std::move(*io.server)}, 11, lim);
  std::atomic<size_t> credited{0};
  std::promise<bool> closed;
  stream->set_credit_handler([&](size_t n) { credited += n; });
  stream->set_close_handler([&](bool clean) { closed.set_value(clean); });
  stream->start();
  stream->send({make_frame("id: 0\ndata: a\n\n"), make_frame("id: 1\ndata: b\n\n"),
                make_frame("id: 2\ndata: c\n\n")});
  stream->send({make_frame("id: 3\ndata: d\n\n"), make_frame("id: 4\ndata: e\n\n")});
  stream->finish(make_frame("event: end\ndata: {}\n\n"), false);

  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> res;
  bhttp::read(io.client, buffer, res); // Beast decodes the chunks; it ends at the last one
  CHECK(res.result() == bhttp::status::ok);
  CHECK(res[bhttp::field::content_type] == "text/event-stream");
  CHECK(res.chunked());
  CHECK(res.body()
        == "retry: 2000\n\n"
           "id: 0\ndata: a\n\nid: 1\ndata: b\n\nid: 2\ndata: c\n\nid: 3\ndata: d\n\n"
           "id: 4\ndata: e\n\nevent: end\ndata: {}\n\n");
  auto clean = closed.get_future();
  REQUIRE(clean.wait_for(std::chrono::seconds{5}) == std::future_status::ready);
  CHECK(clean.get());
  CHECK(credited == 5); // the retry hint and the last frame are not the subscription's
}

TEST_CASE("an SSE stream never ends its response early on a write of empty frames") {
  socket_pair io;
  limits lim;
  lim.write_max_frames = 1; // the empty frame is a write of its own
  auto stream = std::make_shared<sse_stream>(beast::tcp_stream{std::move(*io.server)}, 11, lim);
  std::atomic<size_t> credited{0};
  stream->set_credit_handler([&](size_t n) { credited += n; });
  stream->start();
  // A chunk of size 0 is HTTP's last chunk: written for the empty frame, it would end the
  // response before the frame after it.
  stream->send({make_frame(""), make_frame("id: 0\ndata: a\n\n")});
  stream->finish(make_frame("event: end\ndata: {}\n\n"), false);

  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> res;
  bhttp::read(io.client, buffer, res);
  CHECK(res.body() == "retry: 2000\n\nid: 0\ndata: a\n\nevent: end\ndata: {}\n\n");
  CHECK(credited == 2); // the empty frame is credited like any other
}

TEST_CASE("an SSE stream whose client leaves closes unclean") {
  socket_pair io;
  auto stream = std::make_shared<sse_stream>(beast::tcp_stream{std::move(*io.server)}, 11,
                                             limits{});
  std::promise<bool> closed;
  stream->set_close_handler([&](bool clean) { closed.set_value(clean); });
  stream->start();
  stream->send({make_frame("id: 0\ndata: a\n\n")});
  io.client.close(); // the browser tab is gone
  auto clean = closed.get_future();
  REQUIRE(clean.wait_for(std::chrono::seconds{5}) == std::future_status::ready);
  CHECK_FALSE(clean.get());
  CHECK(stream->closed());
}

TEST_CASE("an SSE stream whose client half-closes still ends with its last chunk") {
  socket_pair io;
  auto stream = std::make_shared<sse_stream>(beast::tcp_stream{std::move(*io.server)}, 11,
                                             limits{});
  std::promise<bool> closed;
  stream->set_close_handler([&](bool clean) { closed.set_value(clean); });
  stream->start();
  // A whole request sent, the client shuts its write side: end of stream, not a departure.
  io.client.shutdown(tcp::socket::shutdown_send);
  std::this_thread::sleep_for(std::chrono::milliseconds{200}); // the watch sees it first
  stream->send({make_frame("id: 0\ndata: a\n\n")});
  stream->finish(make_frame("event: end\ndata: {}\n\n"), false);

  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> res;
  bhttp::read(io.client, buffer, res); // throws if the answer is cut before its last chunk
  CHECK(res.body().find("id: 0\ndata: a\n\nevent: end\ndata: {}\n\n") != std::string::npos);
  auto clean = closed.get_future();
  REQUIRE(clean.wait_for(std::chrono::seconds{5}) == std::future_status::ready);
  CHECK(clean.get());
}

TEST_CASE("an SSE stream notices a client that closed after reading, before any keepalive") {
  socket_pair io;
  limits lim; // keepalive 15 s: the close must be noticed well before the first one
  auto stream = std::make_shared<sse_stream>(beast::tcp_stream{std::move(*io.server)}, 11, lim);
  std::promise<bool> closed;
  stream->set_close_handler([&](bool clean) { closed.set_value(clean); });
  stream->start();
  // Everything written read, the close is an orderly FIN (no reset for unread data): the
  // server sees only end of stream until a write of its own draws the reset.
  std::string got;
  net::read_until(io.client, net::dynamic_buffer(got), "retry: 2000\n\n\r\n");
  io.client.close();
  auto clean = closed.get_future();
  REQUIRE(clean.wait_for(std::chrono::seconds{5}) == std::future_status::ready);
  CHECK_FALSE(clean.get());
  CHECK(stream->closed());
}

TEST_CASE("an SSE stream whose client stops reading is dropped after the stall timeout") {
  socket_pair io;
  limits lim;
  lim.keepalive = std::chrono::milliseconds{50};
  lim.stall_timeout = std::chrono::milliseconds{200};
  auto stream = std::make_shared<sse_stream>(beast::tcp_stream{std::move(*io.server)}, 11, lim);
  std::promise<bool> closed;
  stream->set_close_handler([&](bool clean) { closed.set_value(clean); });
  stream->start();
  // Far more than the loopback's socket buffers hold: a write stays pending, as the client
  // reads nothing (and never leaves, so only the stall check can end the stream).
  const auto frame = make_frame("data: " + std::string(256 * 1024, 'x') + "\n\n");
  for (int i = 0; i < 4; ++i)
    stream->send(std::vector<frame_ptr>(64, frame));
  auto clean = closed.get_future();
  REQUIRE(clean.wait_for(std::chrono::seconds{10}) == std::future_status::ready);
  CHECK_FALSE(clean.get());
  CHECK(stream->closed());
}
