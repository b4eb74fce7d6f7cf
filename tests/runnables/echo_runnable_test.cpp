#include "runnables/echo_runnable.hpp"

#include "runnables/builtins.hpp"

#include <catch2/catch.hpp>

using namespace runcast;
using namespace runcast::actors;
using namespace runcast::runnables;

TEST_CASE("echo emits one content event per word, delay apart, then completes with the message") {
  echo_runnable r{"hello brave  world", std::chrono::milliseconds{7}, "TeamRunContent"};
  std::string joined;
  for (int i = 0; i < 3; ++i) {
    auto s = r.next();
    REQUIRE(s.events.size() == 1);
    CHECK(s.events[0].type == "TeamRunContent");
    joined += *s.events[0].content;
    CHECK_FALSE(s.last);
    CHECK(s.delay.count() == (i < 2 ? 7 : 0));
  }
  CHECK(joined == "hello brave world");
  auto end = r.next();
  CHECK(end.last);
  CHECK(end.events.empty()); // the run actor emits the kind's completed event
  CHECK(end.output == std::string{"hello brave  world"});
}

TEST_CASE("the registry builds echo and validates delay_ms from forms and config") {
  auto registry = builtins();
  component c{"agents", "echo", "Echo", "", "echo", {{"delay_ms", 5}}};
  auto make = [&](const nlohmann::json& params) {
    run_info info;
    info.message = "hi";
    info.names = names_for_kind("agents");
    auto r = registry.make(c, info, params);
    CHECK(info.params.is_object());
    return r;
  };
  CHECK(dynamic_cast<step_runnable*>(make(nlohmann::json::object()).get()) != nullptr);
  CHECK(make({{"delay_ms", "0"}}) != nullptr);
  CHECK_THROWS_WITH(make({{"delay_ms", "abc"}}), Catch::Contains("must be an integer"));
  CHECK_THROWS_WITH(make({{"delay_ms", "-1"}}), Catch::Contains("between"));
  CHECK_THROWS_WITH(make({{"delay_ms", "60001"}}), Catch::Contains("between"));
  component bad{"agents", "x", "X", "", "nonesuch", nlohmann::json::object()};
  run_info info;
  CHECK_THROWS_WITH(registry.make(bad, info, {}), Catch::Contains("unknown runnable"));
  CHECK_THROWS_AS(registry.add("echo", [](const component&, const run_info&) { return nullptr; }),
                  std::invalid_argument);
}

TEST_CASE("echo splits on any whitespace and ignores it at both ends") {
  echo_runnable r{"\n  one\ttwo \r\n", std::chrono::milliseconds{3}};
  auto a = r.next();
  REQUIRE(a.events.size() == 1);
  CHECK(a.events[0].content == std::string{"one "});
  CHECK(a.delay.count() == 3);
  auto b = r.next();
  REQUIRE(b.events.size() == 1);
  CHECK(b.events[0].content == std::string{"two"});
  CHECK(b.delay.count() == 0);
  CHECK(r.next().last);
  echo_runnable empty{"   ", std::chrono::milliseconds{3}};
  CHECK(empty.next().last);
}
