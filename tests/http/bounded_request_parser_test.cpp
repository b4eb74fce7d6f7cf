#include "http/bounded_request_parser.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace runcast::http;

// The request parser's bounds, fed bytes directly as the read loop feeds them: fields Beast
// cannot hold, trailers and chunk extensions. No sockets.

namespace {

constexpr std::uint32_t header_limit = 8192;
constexpr std::uint64_t body_limit = 4096;

/// What a parse came to: the error (need_more: it waits for bytes) and the bytes not taken.
struct outcome {
  beast::error_code ec;
  std::string unparsed;
};

/// Puts `bytes` into `p` as Beast's read loop does, until it is done, fails or needs more.
outcome feed(bounded_request_parser& p, std::string bytes) {
  p.eager(true);
  beast::error_code ec;
  for (;;) {
    auto used = p.put(net::buffer(bytes), ec);
    bytes.erase(0, used);
    if (ec || p.is_done() || used == 0)
      return {ec, bytes};
  }
}

const std::string chunked_head =
  "POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";

} // namespace

TEST_CASE("the bounded parser reads a request as Beast's request_parser does") {
  bounded_request_parser p{header_limit, body_limit};
  auto out = feed(p, "POST /agents/echo/runs?a=1 HTTP/1.1\r\nHost: t\r\nX-Custom: v\r\n"
                     "Content-Length: 5\r\n\r\nhello");
  REQUIRE_FALSE(out.ec);
  REQUIRE(p.is_done());
  auto req = p.release();
  CHECK(req.method() == bhttp::verb::post);
  CHECK(req.target() == "/agents/echo/runs?a=1");
  CHECK(req.version() == 11);
  CHECK(req["X-Custom"] == "v");
  CHECK(req.body() == "hello");

  bounded_request_parser odd{header_limit, body_limit};
  REQUIRE_FALSE(feed(odd, "BREW /pot HTTP/1.0\r\n\r\n").ec);
  CHECK(odd.get().method_string() == "BREW");
  CHECK(odd.get().version() == 10);
}

TEST_CASE("a chunked body is joined and its extensions and trailer fields are not kept") {
  bounded_request_parser p{header_limit, body_limit};
  auto out = feed(p, chunked_head + "6;name=\"v\"\r\nstream\r\n6\r\n=false\r\n0\r\nHost: evil\r\n"
                                    "X-Trailer: 1\r\n\r\n");
  REQUIRE_FALSE(out.ec);
  REQUIRE(p.is_done());
  CHECK(p.get().body() == "stream=false");
  // Merged into the header, a trailer could add a second Host behind the header's checks.
  CHECK(p.get().count(bhttp::field::host) == 1);
  CHECK(p.get().count("X-Trailer") == 0);
}

TEST_CASE("a field Beast's fields cannot hold is header_limit, not an exception") {
  constexpr std::uint32_t one_mib = 1 << 20;
  const auto too_long = std::string(bounded_request_parser::max_field_bytes + 1, 'b');
  const auto longest = std::string(bounded_request_parser::max_field_bytes, 'b');
  SECTION("a value") {
    bounded_request_parser p{one_mib, body_limit};
    outcome out;
    CHECK_NOTHROW(out = feed(p, "GET / HTTP/1.1\r\nX-Big: " + too_long + "\r\n\r\n"));
    CHECK(out.ec == bhttp::error::header_limit);
  }
  SECTION("a name") {
    bounded_request_parser p{one_mib, body_limit};
    outcome out;
    CHECK_NOTHROW(out = feed(p, "GET / HTTP/1.1\r\n" + too_long + ": 1\r\n\r\n"));
    CHECK(out.ec == bhttp::error::header_limit);
  }
  SECTION("a trailer value") {
    bounded_request_parser p{one_mib, body_limit};
    outcome out;
    CHECK_NOTHROW(out = feed(p, chunked_head + "1\r\na\r\n0\r\nX-T: " + too_long + "\r\n\r\n"));
    CHECK(out.ec == bhttp::error::header_limit);
  }
  SECTION("the longest value there is is read") {
    bounded_request_parser p{one_mib, body_limit};
    REQUIRE_FALSE(feed(p, "GET / HTTP/1.1\r\nX-Big: " + longest + "\r\n\r\n").ec);
    CHECK(p.get()["X-Big"].size() == longest.size());
  }
}

TEST_CASE("trailer fields count against the header limit") {
  bounded_request_parser fits{header_limit, body_limit};
  std::string trailer;
  for (int i = 0; i < 700; ++i) // 700 lines of 11 bytes: within 8192
    trailer += "X-T: 1234\r\n";
  REQUIRE_FALSE(feed(fits, chunked_head + "1\r\na\r\n0\r\n" + trailer + "\r\n").ec);
  bounded_request_parser over{header_limit, body_limit};
  CHECK(feed(over, chunked_head + "1\r\na\r\n0\r\n" + trailer + trailer + "\r\n").ec
        == bhttp::error::header_limit);
}

TEST_CASE("chunk extensions count against the body limit with the data") {
  const auto ext = ";" + std::string(3000, 'x');
  bounded_request_parser one{header_limit, body_limit};
  REQUIRE_FALSE(feed(one, chunked_head + "1" + ext + "\r\na\r\n0\r\n\r\n").ec);
  bounded_request_parser two{header_limit, body_limit};
  CHECK(feed(two, chunked_head + "1" + ext + "\r\na\r\n1" + ext + "\r\nb\r\n0\r\n\r\n").ec
        == bhttp::error::body_limit);
}

TEST_CASE("a full read buffer is the bound of the part it stopped in") {
  SECTION("the header") {
    bounded_request_parser p{header_limit, body_limit};
    auto out = feed(p, "GET / HTTP/1.1\r\nX-A: 1");
    REQUIRE(out.ec == bhttp::error::need_more);
    CHECK(p.overflow_error(out.unparsed) == bhttp::error::header_limit);
  }
  SECTION("the first chunk-size line") {
    bounded_request_parser p{header_limit, body_limit};
    auto out = feed(p, chunked_head + std::string(5000, '0'));
    REQUIRE(out.ec == bhttp::error::need_more);
    CHECK(p.overflow_error(out.unparsed) == bhttp::error::body_limit);
  }
  SECTION("a later chunk line's extension") {
    bounded_request_parser p{header_limit, body_limit};
    auto out = feed(p, chunked_head + "1\r\na\r\n1;" + std::string(5000, 'x'));
    REQUIRE(out.ec == bhttp::error::need_more);
    CHECK(p.overflow_error(out.unparsed) == bhttp::error::body_limit);
  }
  SECTION("the trailer section") {
    bounded_request_parser p{header_limit, body_limit};
    auto out = feed(p, chunked_head + "1\r\na\r\n0\r\nX-T: " + std::string(5000, 'x'));
    REQUIRE(out.ec == bhttp::error::need_more);
    CHECK(p.overflow_error(out.unparsed) == bhttp::error::header_limit);
  }
}
