#include "http/request_checks.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

using namespace runcast::http;

// The checks a request passes before it is routed, on requests built in memory.

namespace {

using field_list = std::vector<std::pair<std::string, std::string>>;

request make(const field_list& fields, unsigned version = 11) {
  request req{bhttp::verb::post, "/agents/echo/runs", version};
  for (const auto& [name, value] : fields)
    req.insert(name, value);
  return req;
}

/// The refusal's status, after checking it has the API's error shape.
unsigned status_of(const std::optional<response>& refusal) {
  REQUIRE(refusal.has_value());
  CHECK((*refusal)[bhttp::field::content_type] == "application/json");
  auto body = nlohmann::json::parse(refusal->body());
  CHECK(body["detail"].is_string());
  return refusal->result_int();
}

} // namespace

TEST_CASE("Transfer-Encoding other than chunked alone is refused, closing the connection") {
  CHECK_FALSE(framing_refusal(make({{"Host", "t"}})));
  CHECK_FALSE(framing_refusal(make({{"Transfer-Encoding", "chunked"}})));
  CHECK_FALSE(framing_refusal(make({{"Transfer-Encoding", "CHUNKED"}})));
  CHECK_FALSE(framing_refusal(make({{"Content-Length", "4"}})));
  for (auto codings : {"gzip", "identity", "xchunked", "gzip, chunked", "chunked, chunked",
                       "chunked;x=1", "", "chunked, gzip"}) {
    INFO(codings);
    auto refusal = framing_refusal(make({{"Transfer-Encoding", codings}}));
    CHECK(status_of(refusal) == 400);
    CHECK_FALSE(refusal->keep_alive());
  }
  // Two fields are one list: gzip, then chunked.
  CHECK(status_of(framing_refusal(make({{"Transfer-Encoding", "gzip"},
                                        {"Transfer-Encoding", "chunked"}})))
        == 400);
  // With Content-Length either way round (Beast refuses chunked with it; this covers the rest).
  CHECK(status_of(framing_refusal(make({{"Transfer-Encoding", "chunked"},
                                        {"Content-Length", "4"}})))
        == 400);
}

TEST_CASE("an HTTP/1.0 request with Transfer-Encoding is answered, then its connection closes") {
  CHECK(closes_after(make({{"Transfer-Encoding", "chunked"}}, 10)));
  CHECK_FALSE(closes_after(make({{"Transfer-Encoding", "chunked"}}, 11)));
  CHECK_FALSE(closes_after(make({{"Content-Length", "3"}}, 10)));
}

TEST_CASE("Expect: 100-continue is met, any other expectation answers 417") {
  CHECK_FALSE(expectation_refusal(make({})));
  CHECK_FALSE(expects_continue(make({})));
  CHECK_FALSE(expectation_refusal(make({{"Expect", "100-continue"}})));
  CHECK(expects_continue(make({{"Expect", "100-Continue"}})));
  CHECK(status_of(expectation_refusal(make({{"Expect", "200-ok"}}))) == 417);
  CHECK(status_of(expectation_refusal(make({{"Expect", "100-continue, x"}}))) == 417);
  CHECK(status_of(expectation_refusal(make({{"Expect", "100-continue; a=\"b\""}}))) == 417);
  CHECK_FALSE(expects_continue(make({{"Expect", "200-ok"}})));
  // HTTP/1.0 knows no expectations: they are ignored (RFC 9110 10.1.1).
  CHECK_FALSE(expectation_refusal(make({{"Expect", "200-ok"}}, 10)));
  CHECK_FALSE(expects_continue(make({{"Expect", "100-continue"}}, 10)));
}

TEST_CASE("an HTTP/1.1 request needs exactly one valid Host") {
  CHECK_FALSE(request_refusal(make({{"Host", "t"}})));
  CHECK_FALSE(request_refusal(make({{"Host", "127.0.0.1:8080"}})));
  CHECK_FALSE(request_refusal(make({{"Host", "[::1]:80"}})));
  CHECK_FALSE(request_refusal(make({{"Host", ""}}))); // a target without authority
  CHECK_FALSE(request_refusal(make({}, 10)));         // HTTP/1.0 may leave it out
  CHECK(status_of(request_refusal(make({}))) == 400);
  CHECK(status_of(request_refusal(make({{"Host", "a"}, {"Host", "a"}}))) == 400);
  CHECK(status_of(request_refusal(make({{"Host", "a"}, {"Host", "b"}}, 10))) == 400);
  for (auto host : {"a b", "user@t", "t:80x", "t/x", "[::1"}) {
    INFO(host);
    auto refusal = request_refusal(make({{"Host", host}}));
    CHECK(status_of(refusal) == 400);
    CHECK(refusal->keep_alive()); // a whole request: the connection can go on
  }
}

TEST_CASE("a Content-Encoding other than identity answers 415 naming identity") {
  CHECK_FALSE(request_refusal(make({{"Host", "t"}, {"Content-Encoding", "identity"}})));
  for (auto coding : {"gzip", "br", "deflate", "identity, gzip", "x y"}) {
    INFO(coding);
    auto refusal = request_refusal(make({{"Host", "t"}, {"Content-Encoding", coding}}));
    CHECK(status_of(refusal) == 415);
    CHECK((*refusal)[bhttp::field::accept_encoding] == "identity");
    CHECK(refusal->keep_alive());
  }
}
