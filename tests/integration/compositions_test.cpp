// Teams and workflows through HTTP on one node (runcast_test_server): a team in each mode and
// a workflow with each kind of step, every run dropped by its client mid-run, resumed from
// where the client was, and replayed from the store (no finished log is kept in memory) byte
// for byte; their members' and steps' runs polled as runs of their own.

#include "tests/integration/composition_scenarios.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

using namespace runcast::test;
using nlohmann::json;

TEST_CASE("teams in both modes resume mid-run and replay from the store byte for byte") {
  server_fixture fx{{"--finished-logs", "0"}};
  auto msg = words(6);
  check_composition({"teams/echo-team", msg, "COMPLETED", "TeamRunCompleted",
                     {"TeamRunStarted", "RunStarted", "RunCompleted", "RunCompleted"},
                     {"TeamRunError"}, 2}, fx.port(), fx.port());
  check_composition({"teams/echo-relay", msg, "COMPLETED", "TeamRunCompleted",
                     {"TeamRunStarted", "RunStarted", "RunCompleted", "RunStarted",
                      "RunCompleted"},
                     {"TeamRunError"}, 2}, fx.port(), fx.port());
}

TEST_CASE("workflows with each kind of step resume mid-run and replay from the store") {
  server_fixture fx{{"--finished-logs", "0"}};
  auto msg = words(6);
  SECTION("a failing step ends the workflow with its error and runs no later step") {
    check_composition({"workflows/flow-fail", msg, "ERROR", "WorkflowError",
                       {"WorkflowStarted", "StepStarted", "StepCompleted", "StepStarted",
                        "RunError"},
                       {"WorkflowCompleted"}, 2}, fx.port(), fx.port());
  }
  SECTION("a parallel block runs its steps at once, then the next step") {
    check_composition({"workflows/flow-parallel", msg, "COMPLETED", "WorkflowCompleted",
                       {"WorkflowStarted", "ParallelExecutionStarted",
                        "ParallelExecutionCompleted", "StepStarted", "StepCompleted"},
                       {"WorkflowError"}, 3}, fx.port(), fx.port());
  }
  SECTION("a condition that matches runs its steps") {
    check_composition({"workflows/flow-condition", msg + " yes", "COMPLETED",
                       "WorkflowCompleted",
                       {"StepCompleted", "ConditionExecutionStarted", "StepStarted",
                        "StepCompleted", "ConditionExecutionCompleted"},
                       {}, 2}, fx.port(), fx.port());
  }
  SECTION("a condition that does not match skips its steps") {
    check_composition({"workflows/flow-condition", msg + " no", "COMPLETED",
                       "WorkflowCompleted",
                       {"StepCompleted", "ConditionExecutionStarted",
                        "ConditionExecutionCompleted"},
                       {}, 1}, fx.port(), fx.port());
  }
  SECTION("a loop stops early when its output matches") {
    check_composition({"workflows/flow-loop", msg + " stop", "COMPLETED",
                       "WorkflowCompleted",
                       {"LoopExecutionStarted", "LoopIterationStarted",
                        "LoopIterationCompleted", "LoopExecutionCompleted"},
                       {}, 1}, fx.port(), fx.port());
  }
  SECTION("a loop that never matches runs max_iterations times") {
    check_composition({"workflows/flow-loop", msg, "COMPLETED", "WorkflowCompleted",
                       {"LoopExecutionStarted", "LoopIterationCompleted",
                        "LoopIterationCompleted", "LoopIterationCompleted",
                       "LoopExecutionCompleted"},
                       {}, 3}, fx.port(), fx.port());
  }
}

TEST_CASE("a workflow cancelled mid-step ends CANCELLED and its step's run with it") {
  server_fixture fx{{"--finished-logs", "0"}};
  const std::string component = "workflows/echo-flow";
  auto first = start_stream(fx.port(), {{"message", words(40)}, {"delay_ms", "50"},
                                        {"background", "true"}},
                            component);
  REQUIRE(first->status() == 200);
  auto head = read_frames(*first, 5); // started, step started, its run started, two words
  first->close();
  auto run_id = head[0].json()["run_id"].get<std::string>();
  auto session_id = head[0].json()["session_id"].get<std::string>();
  auto cancel = request(fx.port(), "POST",
                        "/workflows/echo-flow/runs/" + run_id + "/cancel",
                        form_urlencode({{"session_id", session_id}}),
                        "application/x-www-form-urlencoded");
  CHECK(cancel.status == 200);
  auto rest = events_by_index(read_to_end(*resume(fx.port(), run_id, session_id, 4, component)));
  REQUIRE_FALSE(rest.empty());
  CHECK(json::parse(rest.rbegin()->second)["event"] == "WorkflowCancelled");
  poll_until(fx.port(), run_id, session_id, "CANCELLED", std::chrono::seconds{20}, component);
  auto stored = events_by_index(read_to_end(*resume(fx.port(), run_id, session_id, -1,
                                                    component)));
  REQUIRE(stored.size() == head.size() + rest.size());
  for (const auto& [index, data] : rest)
    CHECK(stored.at(index) == data);
  auto names = event_names(stored);
  CAPTURE(names);
  CHECK(std::count(names.begin(), names.end(), "StepCompleted") == 0);
  // The step that was running is recorded as cancelled too, under its parent.
  auto step = request(fx.port(), "GET",
                      "/agents/echo/runs/" + run_id + ".s0?session_id=" + session_id);
  REQUIRE(step.status == 200);
  CHECK(step.json()["parent_run_id"] == run_id);
  CHECK(step.json()["status"] == "CANCELLED");
}
