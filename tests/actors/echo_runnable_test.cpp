#include "actors/echo_runnable.hpp"

#include "actors/runnable.hpp"

#include <catch2/catch.hpp>

using namespace runcast;
using namespace runcast::actors;

TEST_CASE("echo emits one RunContent per word, delay apart, then RunCompleted") {
  echo_runnable r{"hello brave  world", std::chrono::milliseconds{7}};
  std::string joined;
  for (int i = 0; i < 3; ++i) {
    auto s = r.next();
    REQUIRE(s.events.size() == 1);
    CHECK(s.events[0].type == "RunContent");
    joined += *s.events[0].content;
    CHECK_FALSE(s.last);
    CHECK(s.delay.count() == (i < 2 ? 7 : 0));
  }
  CHECK(joined == "hello brave world");
  auto end = r.next();
  CHECK(end.last);
  CHECK(end.events[0].type == "RunCompleted");
  CHECK(end.output == std::string{"hello brave  world"});
}

TEST_CASE("make_runnable validates delay_ms from forms and config") {
  component c{"agents", "echo", "Echo", "", "echo", {{"delay_ms", 5}}};
  CHECK(make_runnable(c, "hi", nlohmann::json::object()) != nullptr);
  CHECK(make_runnable(c, "hi", {{"delay_ms", "0"}}) != nullptr);
  CHECK_THROWS_WITH(make_runnable(c, "hi", {{"delay_ms", "abc"}}),
                    Catch::Contains("must be an integer"));
  CHECK_THROWS_WITH(make_runnable(c, "hi", {{"delay_ms", "-1"}}), Catch::Contains("between"));
  CHECK_THROWS_WITH(make_runnable(c, "hi", {{"delay_ms", "60001"}}), Catch::Contains("between"));
  component bad{"agents", "x", "X", "", "nonesuch", nlohmann::json::object()};
  CHECK_THROWS_WITH(make_runnable(bad, "hi", {}), Catch::Contains("unknown runnable"));
}
