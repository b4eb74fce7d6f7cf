#include "tests/support/http_client.hpp"
#include "tests/support/sse_client.hpp"

#include <atomic>
#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;
using runcast::test::sse_client;
using runcast::test::sse_frame;
using runcast::test::sse_options;
using runcast::test::sse_timeout;

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

void write_chunked_header(tcp::socket& socket) {
  http::response<http::empty_body> res{http::status::ok, 11};
  res.set(http::field::content_type, "text/event-stream");
  res.set(http::field::cache_control, "no-cache");
  res.chunked(true);
  http::response_serializer<http::empty_body> sr{res};
  beast::error_code ec;
  http::write_header(socket, sr, ec);
}

bool write_chunk(tcp::socket& socket, std::string_view data) {
  beast::error_code ec;
  net::write(socket, http::make_chunk(net::buffer(data.data(), data.size())), ec);
  return !ec;
}

void write_last_chunk(tcp::socket& socket) {
  beast::error_code ec;
  net::write(socket, http::make_chunk_last(), ec);
}

void write_raw(tcp::socket& socket, std::string_view data) {
  beast::error_code ec;
  net::write(socket, net::buffer(data.data(), data.size()), ec);
}

// Three frames: the first alone in a chunk, then (once `g` opens) a comment and frame 1 cut
// in the middle of its data line across two chunks, then frame 2 with CRLF line ends and
// two data lines.
void serve_three_frames(tcp::socket& socket, gate& g) {
  write_chunked_header(socket);
  write_chunk(socket, "retry: 1500\n\n"
                      "id: 0\nevent: RunStarted\ndata: {\"event\":\"RunStarted\",\"event_index\":0}\n\n");
  g.wait();
  write_chunk(socket, ": keepalive\n\nid: 1\nevent: RunContent\ndata: {\"content\":\"hel");
  std::this_thread::sleep_for(30ms);
  write_chunk(socket, "lo\"}\n\n"
                      "id: 2\r\nevent: RunCompleted\r\ndata: line one\r\ndata: line two\r\n\r\n");
  write_last_chunk(socket);
}

uint16_t closed_port() {
  net::io_context ioc;
  tcp::acceptor acceptor{ioc, tcp::endpoint{net::ip::address_v4::loopback(), 0}};
  return acceptor.local_endpoint().port();  // closed again when acceptor goes away
}

} // namespace

// -- plain requests ---------------------------------------------------------------------------

TEST_CASE("request returns the status, the body and lower-case headers") {
  tiny_server server{[](tcp::socket& socket, const request_type& req) {
    http::response<http::string_body> res{http::status::created, 11};
    res.set("X-Custom", "yes");
    res.set("X-Echo", req["X-Req"]);
    res.set(http::field::content_type, "text/plain");
    res.body() = std::string{req.method_string()} + " " + std::string{req.target()} + "\n"
                 + std::string{req[http::field::content_type]} + "\n" + req.body();
    res.prepare_payload();
    beast::error_code ec;
    http::write(socket, res, ec);
  }};

  auto res = runcast::test::request(server.port(), "POST", "/agents/echo/runs?x=1", "a=1&b=2",
                                    "application/x-www-form-urlencoded", {{"X-Req", "hello"}});
  CHECK(res.status == 201);
  CHECK(res.header("X-Custom") == "yes");
  CHECK(res.headers.at("x-echo") == "hello");
  CHECK(res.header("content-type") == "text/plain");
  CHECK(res.header("x-missing").empty());
  CHECK(res.body == "POST /agents/echo/runs?x=1\napplication/x-www-form-urlencoded\na=1&b=2");
}

TEST_CASE("request parses a JSON body") {
  tiny_server server{[](tcp::socket& socket, const request_type&) {
    http::response<http::string_body> res{http::status::accepted, 11};
    res.set(http::field::content_type, "application/json");
    res.body() = R"({"run_id":"r1","session_id":"s1","status":"PENDING"})";
    res.prepare_payload();
    beast::error_code ec;
    http::write(socket, res, ec);
  }};
  auto res = runcast::test::request(server.port(), "GET", "/agents/echo/runs/r1");
  CHECK(res.status == 202);
  CHECK(res.json().at("status") == "PENDING");
}

TEST_CASE("request fails with a clear error instead of hanging") {
  SECTION("nobody listens") {
    auto port = closed_port();
    CHECK_THROWS_AS(runcast::test::request(port, "GET", "/health"), std::runtime_error);
  }
  SECTION("the server never answers") {
    gate g;
    tiny_server server{[&](tcp::socket&, const request_type&) { g.wait(); }};
    auto start = std::chrono::steady_clock::now();
    CHECK_THROWS_WITH(runcast::test::request(server.port(), "GET", "/health", "", "", {}, 200ms),
                      Catch::Contains("timed out"));
    CHECK(std::chrono::steady_clock::now() - start < 3s);
    g.open();
  }
}

TEST_CASE("form_urlencode escapes everything but unreserved characters") {
  CHECK(runcast::test::form_urlencode({{"message", "a b&c=d/é"}, {"stream", "true"}})
        == "message=a+b%26c%3Dd%2F%C3%A9&stream=true");
  CHECK(runcast::test::form_urlencode({}).empty());
  CHECK(runcast::test::form_urlencode({{"k", "-._~"}}) == "k=-._~");
}

TEST_CASE("multipart_form announces its boundary and frames each field") {
  auto m = runcast::test::multipart_form({{"message", "hi"}, {"stream", "false"}});
  auto boundary = m.content_type.substr(m.content_type.find("boundary=") + 9);
  CHECK(m.content_type.rfind("multipart/form-data; boundary=", 0) == 0);
  CHECK(m.body == "--" + boundary + "\r\nContent-Disposition: form-data; name=\"message\"\r\n\r\nhi\r\n"
                  "--" + boundary + "\r\nContent-Disposition: form-data; name=\"stream\"\r\n\r\nfalse\r\n"
                  "--" + boundary + "--\r\n");
}

// -- SSE --------------------------------------------------------------------------------------

TEST_CASE("sse_client hands out frames as they arrive, not at the end of the response") {
  gate g;
  std::string seen_body;
  tiny_server server{[&](tcp::socket& socket, const request_type& req) {
    seen_body = req.body();
    serve_three_frames(socket, g);
  }};

  sse_client client{server.port(), "POST", "/agents/echo/runs", "message=hi&stream=true",
                    "application/x-www-form-urlencoded"};
  CHECK(client.status() == 200);
  CHECK(client.content_type() == "text/event-stream");
  CHECK(client.header("Cache-Control") == "no-cache");

  // The server sends nothing more until the gate opens: frame 0 must come on its own.
  auto f0 = client.next(2s);
  REQUIRE(f0);
  CHECK(seen_body == "message=hi&stream=true");
  CHECK(f0->id == std::optional<std::string>{"0"});
  CHECK(f0->event == "RunStarted");
  CHECK(f0->json().at("event_index") == 0);
  CHECK_FALSE(f0->comment);
  CHECK(client.retry() == std::optional<long>{1500});
  g.open();

  auto f1 = client.next(2s);
  REQUIRE(f1);
  CHECK(f1->id == std::optional<std::string>{"1"});
  CHECK(f1->event == "RunContent");
  CHECK(f1->data == R"({"content":"hello"})");
  CHECK(f1->raw == "id: 1\nevent: RunContent\ndata: {\"content\":\"hello\"}\n\n");

  auto f2 = client.next(2s);
  REQUIRE(f2);
  CHECK(f2->id == std::optional<std::string>{"2"});
  CHECK(f2->event == "RunCompleted");
  CHECK(f2->data == "line one\nline two");

  CHECK_FALSE(client.next(2s));
  CHECK(client.ended_cleanly());
  CHECK_FALSE(client.next(2s));  // and stays ended
}

TEST_CASE("sse_client reports comment frames when asked to") {
  gate g;
  g.open();
  tiny_server server{[&](tcp::socket& socket, const request_type&) {
    serve_three_frames(socket, g);
  }};
  sse_client client{server.port(), "GET", "/agents/echo/runs/r1/stream", "", "", {},
                    sse_options{true}};
  auto frames = runcast::test::collect_all(client, 5s);
  REQUIRE(frames.size() == 4);
  CHECK(frames[0].id == std::optional<std::string>{"0"});
  CHECK(frames[1].comment);
  CHECK(frames[1].data == "keepalive");
  CHECK(frames[1].raw == ": keepalive\n\n");
  CHECK_FALSE(frames[1].id);
  CHECK(frames[2].id == std::optional<std::string>{"1"});
  CHECK(frames[3].id == std::optional<std::string>{"2"});
}

TEST_CASE("sse_client::next times out without losing the connection or partial data") {
  gate g;
  tiny_server server{[&](tcp::socket& socket, const request_type&) {
    write_chunked_header(socket);
    write_chunk(socket, "id: 0\ndata: first\n\nid: 1\ndata: par");
    g.wait();
    write_chunk(socket, "t\n\n");
    write_last_chunk(socket);
  }};
  sse_client client{server.port(), "GET", "/stream"};
  auto f0 = client.next(2s);
  REQUIRE(f0);
  CHECK(f0->data == "first");

  auto start = std::chrono::steady_clock::now();
  CHECK_THROWS_AS(client.next(100ms), sse_timeout);
  auto waited = std::chrono::steady_clock::now() - start;
  CHECK(waited >= 90ms);
  CHECK(waited < 2s);
  CHECK_FALSE(client.ended());

  g.open();
  auto f1 = client.next(2s);
  REQUIRE(f1);
  CHECK(f1->id == std::optional<std::string>{"1"});
  CHECK(f1->data == "part");
  CHECK_FALSE(client.next(2s));
  CHECK(client.ended_cleanly());
}

TEST_CASE("collect_until stops at the first matching frame without waiting for the end") {
  gate g;
  tiny_server server{[&](tcp::socket& socket, const request_type&) {
    write_chunked_header(socket);
    write_chunk(socket, "id: 0\nevent: RunStarted\ndata: a\n\n"
                        "id: 1\nevent: RunContent\ndata: b\n\n"
                        "id: 2\nevent: RunContent\ndata: c\n\n");
    g.wait();
    write_last_chunk(socket);
  }};
  sse_client client{server.port(), "GET", "/stream"};
  auto frames = runcast::test::collect_until(
    client, [](const sse_frame& f) { return f.event == "RunContent"; }, 2s);
  REQUIRE(frames.size() == 2);
  CHECK(frames[1].data == "b");

  CHECK_THROWS_WITH(
    runcast::test::collect_until(client, [](const sse_frame&) { return false; }, 200ms),
    Catch::Contains("got 1 frames"));
  g.open();
  CHECK(runcast::test::collect_all(client, 2s).empty());
}

TEST_CASE("sse_client::close drops the connection and the server notices") {
  std::promise<bool> noticed;
  auto noticed_future = noticed.get_future();
  tiny_server server{[&](tcp::socket& socket, const request_type&) {
    write_chunked_header(socket);
    for (int i = 0; i < 500; ++i) {
      if (!write_chunk(socket, "id: " + std::to_string(i) + "\ndata: x\n\n")) {
        noticed.set_value(true);
        return;
      }
      std::this_thread::sleep_for(10ms);
    }
    noticed.set_value(false);
  }};
  sse_client client{server.port(), "POST", "/agents/echo/runs", "message=hi",
                    "application/x-www-form-urlencoded"};
  REQUIRE(client.next(2s));
  REQUIRE(client.next(2s));
  client.close();
  CHECK(client.ended());
  REQUIRE(noticed_future.wait_for(5s) == std::future_status::ready);
  CHECK(noticed_future.get());
}

TEST_CASE("a close-delimited stream ends at EOF, dropping an unterminated frame") {
  tiny_server server{[](tcp::socket& socket, const request_type&) {
    write_raw(socket, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n"
                      "\r\nid: 5\ndata: x\n\ndata: unterminated");
    beast::error_code ec;
    socket.shutdown(tcp::socket::shutdown_both, ec);
  }};
  sse_client client{server.port(), "GET", "/stream"};
  auto f = client.next(2s);
  REQUIRE(f);
  CHECK(f->id == std::optional<std::string>{"5"});
  CHECK(f->data == "x");
  CHECK_FALSE(client.next(2s));
  CHECK(client.ended_cleanly());
}

TEST_CASE("a stream cut off inside a chunk ends, but not cleanly") {
  tiny_server server{[](tcp::socket& socket, const request_type&) {
    write_chunked_header(socket);
    write_chunk(socket, "id: 0\ndata: x\n\n");
    write_raw(socket, "20\r\nid: 1\nda");  // as if the server died mid-write
    beast::error_code ec;
    socket.shutdown(tcp::socket::shutdown_both, ec);
  }};
  sse_client client{server.port(), "GET", "/stream"};
  REQUIRE(client.next(2s));
  CHECK_FALSE(client.next(2s));
  CHECK(client.ended());
  CHECK_FALSE(client.ended_cleanly());
}

TEST_CASE("read_to_end returns a non-SSE answer whole") {
  tiny_server server{[](tcp::socket& socket, const request_type&) {
    http::response<http::string_body> res{http::status::not_found, 11};
    res.set(http::field::content_type, "application/json");
    res.body() = R"({"detail":"run not found"})";
    res.prepare_payload();
    beast::error_code ec;
    http::write(socket, res, ec);
  }};
  sse_client client{server.port(), "POST", "/agents/echo/runs/nope/resume", "", ""};
  CHECK(client.status() == 404);
  CHECK(client.content_type() == "application/json");
  CHECK(client.read_to_end(2s) == R"({"detail":"run not found"})");
  CHECK(client.ended_cleanly());
}

TEST_CASE("sse_client fails with a clear error when nobody listens") {
  CHECK_THROWS_AS(sse_client(closed_port(), "GET", "/stream"), std::runtime_error);
}
