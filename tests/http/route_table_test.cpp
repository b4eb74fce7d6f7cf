#include "http/route_table.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

using namespace runcast::http;
using verb = boost::beast::http::verb;

namespace {

using segments = std::vector<std::string>;

// Handlers are plain names here: the table only has to hand back the right one.
const route_table<std::string>& table() {
  static const route_table<std::string> t{
    {verb::get, "/health", "health"},
    {verb::get, "/sessions", "list sessions"},
    {verb::get, "/sessions/{session_id}", "get session"},
    {verb::delete_, "/sessions/{session_id}", "delete session"},
    {verb::get, "/{kind}", "list components"},
    {verb::get, "/{kind}/{component}", "get component"},
    {verb::get, "/{kind}/{component}/runs", "list runs"},
    {verb::post, "/{kind}/{component}/runs", "start run"},
    {verb::post, "/{kind}/{component}/runs/{run_id}/cancel", "cancel run"},
  };
  return t;
}

} // namespace

TEST_CASE("the route table finds the handler and the path parameters") {
  auto m = table().find(verb::post, segments{"agents", "echo", "runs", "r-1", "cancel"});
  REQUIRE(m.pattern != nullptr);
  REQUIRE(m.found != nullptr);
  CHECK(m.found->handler == "cancel run");
  CHECK(m.pattern->text() == "/{kind}/{component}/runs/{run_id}/cancel");
  CHECK(m.params == path_params{{"kind", "agents"}, {"component", "echo"}, {"run_id", "r-1"}});
  CHECK(m.allow == "POST");
}

TEST_CASE("the route table picks the row of the method among rows of one pattern") {
  CHECK(table().find(verb::get, segments{"agents", "echo", "runs"}).found->handler
        == "list runs");
  CHECK(table().find(verb::post, segments{"agents", "echo", "runs"}).found->handler
        == "start run");
  auto del = table().find(verb::delete_, segments{"sessions", "s1"});
  REQUIRE(del.found != nullptr);
  CHECK(del.found->handler == "delete session");
  CHECK(del.params == path_params{{"session_id", "s1"}});
}

TEST_CASE("an unknown path has no pattern and no Allow") {
  for (const auto& path : {segments{"agents", "echo", "nope"}, segments{"sessions", "s1", "x"},
                           segments{"a", "b", "runs", "r", "cancel", "more"}}) {
    auto m = table().find(verb::get, path);
    CHECK(m.pattern == nullptr);
    CHECK(m.found == nullptr);
    CHECK(m.params.empty());
    CHECK(m.allow.empty());
  }
}

TEST_CASE("a known path with another method has no row and its Allow comes from the table") {
  auto m = table().find(verb::put, segments{"sessions", "s1"});
  REQUIRE(m.pattern != nullptr);
  CHECK(m.found == nullptr);
  CHECK(m.allow == "GET, DELETE");
  CHECK(m.params == path_params{{"session_id", "s1"}});

  CHECK(table().find(verb::delete_, segments{"agents", "echo", "runs"}).allow == "GET, POST");
  CHECK(table().find(verb::get, segments{"agents", "echo", "runs", "r", "cancel"}).allow
        == "POST");
  CHECK(table().find(verb::post, segments{"health"}).allow == "GET");
}

TEST_CASE("a literal pattern wins over a parameter pattern that fits the same path") {
  auto m = table().find(verb::get, segments{"sessions"});
  REQUIRE(m.found != nullptr);
  CHECK(m.found->handler == "list sessions");
  // The literal route decides the method too: /{kind} accepting GET does not leak into it.
  auto post = table().find(verb::post, segments{"sessions"});
  CHECK(post.pattern->text() == "/sessions");
  CHECK(post.allow == "GET");
  CHECK(table().find(verb::get, segments{"agents"}).found->handler == "list components");
}

TEST_CASE("one trailing slash is ignored") {
  auto m = table().find(verb::get, segments{"agents", ""});
  REQUIRE(m.found != nullptr);
  CHECK(m.found->handler == "list components");
  CHECK(table().find(verb::get, segments{"sessions", "s1", ""}).found->handler
        == "get session");
  // Only one: in "/agents//" the second slash leaves an empty component.
  auto two = table().find(verb::get, segments{"agents", "", ""});
  REQUIRE(two.found != nullptr);
  CHECK(two.found->handler == "get component");
  CHECK(two.params == path_params{{"kind", "agents"}, {"component", ""}});
}

TEST_CASE("a table refuses two rows with the same method and pattern") {
  auto twice = [] {
    route_table<int> t{{verb::get, "/x/{id}", 1}, {verb::get, "/x/{id}", 2}};
  };
  CHECK_THROWS_AS(twice(), std::invalid_argument);
  auto bad_pattern = [] { route_table<int> t{{verb::get, "x", 1}}; };
  CHECK_THROWS_AS(bad_pattern(), std::invalid_argument);
}
