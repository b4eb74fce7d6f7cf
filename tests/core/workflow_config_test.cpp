#include "core/workflow_config.hpp"

#include "core/config_file.hpp"

#include <catch2/catch.hpp>

using namespace runcast;

namespace {

using lines = std::vector<std::string>;

/// The problems of a file with agent "a", team "t" and `workflows`.
lines errors_of(const std::string& workflows) {
  auto text = R"({"agents":[{"id":"a","runnable":"echo"}],"teams":[{"id":"t","members":["a"]}],
                  "workflows":)" + workflows + "}";
  lines out;
  auto file = config_file::parse(text, {"echo"}); // kept: errors() refers into it
  for (const auto& e : file.errors())
    out.push_back(e.to_string());
  return out;
}

} // namespace

TEST_CASE("a step naming a missing agent team or workflow is an error") {
  CHECK(errors_of(R"([{"id":"w","steps":[{"name":"1","agent":"b"},{"name":"2","team":"u"},
      {"name":"3","workflow":"v"},{"name":"4","parallel":[{"name":"5","agent":"wrtier"}]}]}])")
        == lines{"/workflows/0/steps/0/agent: no agent \"b\"",
                 "/workflows/0/steps/1/team: no team \"u\"",
                 "/workflows/0/steps/2/workflow: no workflow \"v\"",
                 "/workflows/0/steps/3/parallel/0/agent: no agent \"wrtier\""});
}

TEST_CASE("a step needs exactly one kind and a name") {
  CHECK(errors_of(R"([{"id":"w","steps":[{"name":"1"},{"agent":"a","team":"t"}]}])")
        == lines{"/workflows/0/steps/0: needs exactly one of \"agent\", \"team\", "
                 "\"workflow\", \"parallel\", \"condition\", \"loop\"",
                 "/workflows/0/steps/1: missing required key \"name\"",
                 "/workflows/0/steps/1: needs exactly one of \"agent\", \"team\", "
                 "\"workflow\", \"parallel\", \"condition\", \"loop\""});
  CHECK(errors_of(R"([{"id":"w","steps":[]}])")
        == lines{"/workflows/0/steps: must not be empty"});
}

TEST_CASE("an invalid regex is an error naming the regex's key") {
  auto errors = errors_of(R"([{"id":"w","steps":[{"name":"c","condition":{"if":"(open",
      "steps":[{"name":"x","agent":"a"}]}},{"name":"l","loop":{"until":"[z-a]",
      "max_iterations":2,"steps":[{"name":"y","agent":"a"}]}}]}])");
  REQUIRE(errors.size() == 2);
  CHECK_THAT(errors[0], Catch::StartsWith("/workflows/0/steps/0/condition/if: invalid regex: "));
  CHECK_THAT(errors[1], Catch::StartsWith("/workflows/0/steps/1/loop/until: invalid regex: "));
}

TEST_CASE("loops need steps and max_iterations within 1 to 100") {
  CHECK(errors_of(R"([{"id":"w","steps":[{"name":"l","loop":{"max_iterations":101,
      "steps":[{"name":"y","agent":"a"}]}},{"name":"m","loop":{"steps":[{"name":"z","agent":"a"}]}},
      {"name":"c","condition":{"steps":[{"name":"q","agent":"a"}],"else":[]}}]}])")
        == lines{"/workflows/0/steps/0/loop/max_iterations: must be an integer between 1 and "
                 "100",
                 "/workflows/0/steps/1/loop: missing required key \"max_iterations\"",
                 "/workflows/0/steps/2/condition: unknown key \"else\"",
                 "/workflows/0/steps/2/condition: missing required key \"if\""});
}

TEST_CASE("a cycle between workflows is an error at every step that closes it") {
  CHECK(errors_of(R"([{"id":"flow-a","steps":[{"name":"s","workflow":"flow-b"}]},
      {"id":"flow-b","steps":[{"name":"p","parallel":[{"name":"q","loop":{"max_iterations":2,
      "steps":[{"name":"r","workflow":"flow-a"}]}}]}]},
      {"id":"self","steps":[{"name":"me","workflow":"self"}]},
      {"id":"fine","steps":[{"name":"ok","workflow":"flow-x"}]},
      {"id":"flow-x","steps":[{"name":"leaf","agent":"a"}]}])")
        == lines{"/workflows/0/steps/0/workflow: cycle: flow-a -> flow-b -> flow-a",
                 "/workflows/1/steps/0/parallel/0/loop/steps/0/workflow: cycle: flow-b -> "
                 "flow-a -> flow-b",
                 "/workflows/2/steps/0/workflow: cycle: self -> self"});
}

TEST_CASE("steps nested deeper than the limit are an error not a stack overflow") {
  std::string steps = R"([{"name":"leaf","agent":"a"}])";
  for (int i = 0; i < 200; ++i)
    steps = R"([{"name":"n","parallel":)" + steps + "}]";
  auto errors = errors_of(R"([{"id":"w","steps":)" + steps + "}]");
  REQUIRE(errors.size() == 1);
  CHECK_THAT(errors[0], Catch::EndsWith(": steps nest deeper than 32 levels"));
}

TEST_CASE("check_workflow keeps the steps as given in spec") {
  config_names names;
  names.agents = {"a"};
  auto steps = config_json::parse(R"([{"name":"s","agent":"a"}])");
  config_json doc = {{"id", "w"}, {"steps", steps}};
  workflow_graph graph{config_json::array({doc})};
  config_checker check;
  auto c = check_workflow(doc, "/workflows/0", names, graph, check);
  CHECK(check.errors().empty());
  CHECK(c.spec == nlohmann::json{{"steps", nlohmann::json::parse(steps.dump())}});
  CHECK(c.name == "w");
}
