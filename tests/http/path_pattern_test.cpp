#include "http/path_pattern.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

using namespace runcast::http;

namespace {

using segments = std::vector<std::string>;

} // namespace

TEST_CASE("a path pattern matches literal segments and extracts its parameters") {
  path_pattern p{"/{kind}/{component}/runs/{run_id}/cancel"};
  path_params params;
  REQUIRE(p.match(segments{"agents", "echo", "runs", "r-1", "cancel"}, params));
  CHECK(params == path_params{{"kind", "agents"}, {"component", "echo"}, {"run_id", "r-1"}});
  CHECK(p.text() == "/{kind}/{component}/runs/{run_id}/cancel");
}

TEST_CASE("a path pattern refuses other lengths and other literals and leaves params alone") {
  path_pattern p{"/sessions/{session_id}"};
  path_params params;
  CHECK_FALSE(p.match(segments{"sessions"}, params));
  CHECK_FALSE(p.match(segments{"sessions", "a", "runs"}, params));
  CHECK_FALSE(p.match(segments{"session", "a"}, params));
  CHECK(params.empty());
}

TEST_CASE("the root pattern has no segments") {
  path_pattern root{"/"};
  path_params params;
  CHECK(root.match(segments{}, params));
  CHECK_FALSE(root.match(segments{""}, params));
}

TEST_CASE("a literal segment is more specific than a parameter at the same place") {
  path_pattern literal{"/sessions/{session_id}"};
  path_pattern param{"/{kind}/{component}"};
  CHECK(literal.more_specific_than(param));
  CHECK_FALSE(param.more_specific_than(literal));
  CHECK_FALSE(literal.more_specific_than(literal));
}

TEST_CASE("malformed path patterns are refused when the table is built") {
  CHECK_THROWS_AS(path_pattern{""}, std::invalid_argument);
  CHECK_THROWS_AS(path_pattern{"agents"}, std::invalid_argument);
  CHECK_THROWS_AS(path_pattern{"/agents//runs"}, std::invalid_argument);
  CHECK_THROWS_AS(path_pattern{"/{}"}, std::invalid_argument);
  CHECK_THROWS_AS(path_pattern{"/{kind"}, std::invalid_argument);
  CHECK_THROWS_AS(path_pattern{"/x{kind}"}, std::invalid_argument);
  CHECK_THROWS_AS(path_pattern{"/{id}/runs/{id}"}, std::invalid_argument);
}
