#include "bench/load/sse_reader.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

using bench::sse_reader;

namespace {

const std::string frames_text = "id: 0\nevent: a\ndata: {\"x\":1}\n\n"
                                "id: 1\nevent: b\ndata: {\"y\":22}\n\n"
                                ": keep-alive\n\n"
                                "id: 2\nevent: c\ndata: z\n\n";
const std::vector<std::string> frames = {"id: 0\nevent: a\ndata: {\"x\":1}",
                                         "id: 1\nevent: b\ndata: {\"y\":22}", ": keep-alive",
                                         "id: 2\nevent: c\ndata: z"};

/// The body in chunks of `chunk` bytes (the last shorter), then the last chunk.
std::string chunked(const std::string& body, size_t chunk) {
  std::string out;
  char size[16];
  for (size_t i = 0; i < body.size(); i += chunk) {
    auto part = body.substr(i, chunk);
    std::snprintf(size, sizeof size, "%zx", part.size());
    out += std::string{size} + "\r\n" + part + "\r\n";
  }
  return out + "0\r\n\r\n";
}

struct read_result {
  std::vector<std::string> frames;
  int status = 0;
  bool body_done = false;
};

/// Feeds `response` in pieces of `piece` bytes: the frames read, in order.
read_result read_all(const std::string& response, size_t piece) {
  read_result r;
  sse_reader reader{[&](std::string_view f) { r.frames.emplace_back(f); }};
  for (size_t i = 0; i < response.size(); i += piece)
    REQUIRE(reader.feed(response.data() + i, std::min(piece, response.size() - i)));
  r.status = reader.status();
  r.body_done = reader.body_done();
  return r;
}

} // namespace

TEST_CASE("sse_reader: the same frames whatever the reads and chunks cut") {
  const std::string chunked_head =
    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::string identity_head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n";
  for (size_t chunk : {1, 2, 7, 30, 1000}) {
    for (size_t piece : {1, 2, 3, 5, 31, 64, 4096}) {
      CAPTURE(chunk, piece);
      auto c = read_all(chunked_head + chunked(frames_text, chunk), piece);
      CHECK(c.frames == frames);
      CHECK(c.status == 200);
      CHECK(c.body_done);
      auto i = read_all(identity_head + frames_text, piece);
      CHECK(i.frames == frames);
      CHECK_FALSE(i.body_done); // an identity body ends when the peer closes
    }
  }
}

TEST_CASE("sse_reader: malformed chunk framing is refused") {
  const std::string head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (std::string bad : {"zz\r\nabc\r\n", // a size that is not hex
                          "3\r\nabcXY",      // a chunk not followed by CRLF
                          "3\nabc\r\n"}) {   // a size line without CR
    CAPTURE(bad);
    sse_reader r{[](std::string_view) {}};
    REQUIRE(r.feed(head.data(), head.size()));
    CHECK_FALSE(r.feed(bad.data(), bad.size()));
  }
}

TEST_CASE("sse_reader: a frame that never ends is refused past max_frame_bytes") {
  size_t frames = 0;
  sse_reader r{[&](std::string_view) { ++frames; }};
  std::string head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: ";
  REQUIRE(r.feed(head.data(), head.size()));
  std::string piece(64 * 1024, 'x');
  size_t fed = 6;
  bool ok = true;
  while (ok && fed <= sse_reader::max_frame_bytes + piece.size()) {
    ok = r.feed(piece.data(), piece.size());
    fed += piece.size();
  }
  CHECK_FALSE(ok);
  CHECK(fed > sse_reader::max_frame_bytes);
  CHECK(frames == 0);
}
