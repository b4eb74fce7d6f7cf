#include "core/ids.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <set>
#include <thread>

using namespace runcast;

TEST_CASE("uuids are canonical version 7, distinct, and sort by creation time") {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto id = make_uuid();
    REQUIRE(id.size() == 36);
    CHECK(id[8] == '-');
    CHECK(id[14] == '7');
    CHECK(std::string{"89ab"}.find(id[19]) != std::string::npos);
    CHECK(is_valid_id(id));
    seen.insert(id);
  }
  CHECK(seen.size() == 1000);
  // Made a few milliseconds apart, they sort in the order they were made.
  auto first = make_uuid();
  std::this_thread::sleep_for(std::chrono::milliseconds{3});
  auto second = make_uuid();
  CHECK(first < second);
  CHECK(first.substr(0, 8) <= second.substr(0, 8));
}

TEST_CASE("ids from clients are restricted to a safe alphabet and length") {
  CHECK(is_valid_id("abc-DEF_1.2:3"));
  CHECK_FALSE(is_valid_id(""));
  CHECK_FALSE(is_valid_id("a b"));
  CHECK_FALSE(is_valid_id("a/b"));
  CHECK_FALSE(is_valid_id("a'b"));
  CHECK_FALSE(is_valid_id(std::string(129, 'a')));
  CHECK(is_valid_id(std::string(128, 'a')));
}
