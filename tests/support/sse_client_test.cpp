#include "tests/support/sse_client.hpp"

#include "tests/support/tiny_server.hpp"

#include <future>

#include <catch2/catch.hpp>

using namespace runcast::test::peer;
using namespace std::chrono_literals;
using runcast::test::sse_client;
using runcast::test::sse_frame;
using runcast::test::sse_options;
using runcast::test::sse_timeout;

namespace {

// Three frames: the first alone in a chunk, then (once `g` opens) a comment and frame 1 cut
// in the middle of its data line across two chunks, then frame 2 with CRLF line ends and
// two data lines.
void serve_three_frames(tcp::socket& socket, gate& g) {
  write_chunked_header(socket);
  write_chunk(socket, "retry: 1500\n\n"
                      "id: 0\nevent: RunStarted\n"
                      "data: {\"event\":\"RunStarted\",\"event_index\":0}\n\n");
  g.wait();
  write_chunk(socket, ": keepalive\n\nid: 1\nevent: RunContent\ndata: {\"content\":\"hel");
  std::this_thread::sleep_for(30ms);
  write_chunk(socket, "lo\"}\n\n"
                      "id: 2\r\nevent: RunCompleted\r\ndata: line one\r\ndata: line two\r\n\r\n");
  write_last_chunk(socket);
}

} // namespace

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
