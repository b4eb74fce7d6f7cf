#include "tests/support/http_client.hpp"

#include "tests/support/tiny_server.hpp"

#include <future>

#include <catch2/catch.hpp>

using namespace runcast::test::peer;
using namespace std::chrono_literals;

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
  auto part = [&](const char* name, const char* value) {
    return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" +
           value + "\r\n";
  };
  CHECK(m.body == part("message", "hi") + part("stream", "false") + "--" + boundary + "--\r\n");
}
