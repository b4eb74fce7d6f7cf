// The browser login's token and cookie (http/auth.hpp) and the CORS helpers (http/cors.hpp).

#include "http/auth.hpp"
#include "http/cors.hpp"

#include <catch2/catch.hpp>

using namespace runcast::http;
using namespace std::chrono_literals;

namespace {

request with_header(bhttp::field f, const std::string& value) {
  request req{bhttp::verb::get, "/agents", 11};
  req.set(f, value);
  return req;
}

} // namespace

TEST_CASE("a login token is valid until its expiry and only under its key") {
  auto now = std::chrono::system_clock::now();
  auto token = auth::make_token("key", now + 60s);
  CHECK(token.rfind("v1.", 0) == 0);
  CHECK(auth::valid_token("key", token, now));
  CHECK(auth::valid_token("key", token, now + 59s));
  CHECK_FALSE(auth::valid_token("key", token, now + 61s));
  CHECK_FALSE(auth::valid_token("other", token, now));
  auto altered = token;
  altered[3] = altered[3] == '9' ? '8' : '9'; // a later expiry, same signature
  CHECK_FALSE(auth::valid_token("key", altered, now));
  for (const auto* bad : {"", "v1.", "v1..", "v2.1.ab", "v1.abc.def", "v1.123"})
    CHECK_FALSE(auth::valid_token("key", bad, now));
}

TEST_CASE("requests carry the key as a bearer header or a token cookie") {
  auto token = auth::make_token("key", std::chrono::system_clock::now() + 60s);
  CHECK(auth::authorized(with_header(bhttp::field::authorization, "Bearer key"), "key"));
  CHECK_FALSE(auth::authorized(with_header(bhttp::field::authorization, "Bearer ke"), "key"));
  CHECK_FALSE(auth::authorized(with_header(bhttp::field::authorization, "bearer key"), "key"));
  CHECK(auth::authorized(with_header(bhttp::field::cookie, "a=1; runcast_auth=" + token), "key"));
  CHECK_FALSE(
    auth::authorized(with_header(bhttp::field::cookie, "xruncast_auth=" + token), "key"));
  CHECK(auth::cookie_value("a=1;b=2;  c=3", "c") == std::string_view{"3"});
  CHECK_FALSE(auth::cookie_value("a=1", "b"));
}

TEST_CASE("CORS answers only the configured origins and checks them at start") {
  std::vector<std::string> origins{"https://app.test"};
  bhttp::fields out;
  cors::add_headers(origins, with_header(bhttp::field::origin, "https://app.test"), out);
  CHECK(out[bhttp::field::access_control_allow_origin] == "https://app.test");
  CHECK(out[bhttp::field::vary] == "Origin");
  bhttp::fields other;
  cors::add_headers(origins, with_header(bhttp::field::origin, "https://app.test.evil"), other);
  CHECK(other.count(bhttp::field::access_control_allow_origin) == 0);
  bhttp::fields off;
  cors::add_headers({}, with_header(bhttp::field::origin, "https://app.test"), off);
  CHECK(off.begin() == off.end());
  CHECK_NOTHROW(cors::check_origin("http://localhost:5173"));
  for (const auto* bad : {"app.test", "https://app.test/", "https://app.test/x", "ftp://a.b",
                          "https://u@app.test", "https://app.test?x=1", ""})
    CHECK_THROWS_AS(cors::check_origin(bad), std::invalid_argument);
}
