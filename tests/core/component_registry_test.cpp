#include "core/component_registry.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>

using namespace runcast;

TEST_CASE("the demo registry offers the echo agent") {
  auto r = component_registry::demo();
  auto* echo = r.find("agents", "echo");
  REQUIRE(echo != nullptr);
  CHECK(echo->runnable == "echo");
  CHECK(r.list("agents").size() == 1);
  CHECK(r.find("teams", "echo") == nullptr);
}

TEST_CASE("duplicates and unknown kinds are refused") {
  auto r = component_registry::demo();
  CHECK_THROWS(r.add({"agents", "echo", "", "", "echo", nlohmann::json::object()}));
  CHECK_THROWS(r.add({"robots", "x", "", "", "echo", nlohmann::json::object()}));
}

TEST_CASE("a config file declares components and a broken one names the problem") {
  auto path = std::string{"/tmp/runcast_registry_test.json"};
  {
    std::ofstream out{path};
    out << R"({"agents":[{"id":"slow","name":"Slow","runnable":"echo",)"
        << R"("params":{"delay_ms":500}}]})";
  }
  auto r = component_registry::from_file(path);
  REQUIRE(r.find("agents", "slow") != nullptr);
  CHECK(r.find("agents", "slow")->params["delay_ms"] == 500);
  {
    std::ofstream out{path};
    out << R"({"agents":[{"id":"bad id"}]})";
  }
  CHECK_THROWS_WITH(component_registry::from_file(path), Catch::Contains("invalid id"));
  {
    std::ofstream out{path};
    out << "{not json";
  }
  CHECK_THROWS_WITH(component_registry::from_file(path), Catch::Contains("invalid JSON"));
  std::remove(path.c_str());
  CHECK_THROWS_WITH(component_registry::from_file(path), Catch::Contains("cannot open"));
}
