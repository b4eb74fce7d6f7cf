// Every runnable shape, a team and a workflow followed from another node: a run started on n1 is
// resumed in the middle on n2 (the owner's live tail through the cluster) and cancelled
// through n2's HTTP. (Runs runcast_test_server on three nodes.)

#include "tests/cluster/cluster_fixture.hpp"
#include "tests/integration/composition_scenarios.hpp"
#include "tests/integration/runnable_scenarios.hpp"

#include <catch2/catch.hpp>

using namespace runcast::test;

TEST_CASE("every runnable shape started on n1 resumes in the middle on n2") {
  cluster_fixture fx;
  fx.await_peers(0, 2);
  fx.await_peers(1, 2);
  for (const auto& shape : test_shapes())
    stream_resume_mid_run(shape, fx.port(0), fx.port(1));
}

TEST_CASE("every runnable shape started on n1 is cancelled through n2") {
  cluster_fixture fx;
  fx.await_peers(0, 2);
  fx.await_peers(1, 2);
  for (const auto& shape : test_shapes())
    cancel_through_http(shape, fx.port(0), fx.port(1));
}

TEST_CASE("a team and a workflow started on n1 resume in the middle on n2") {
  cluster_fixture fx;
  fx.await_peers(0, 2);
  fx.await_peers(1, 2);
  auto msg = words(6);
  check_composition({"teams/echo-team", msg, "COMPLETED", "TeamRunCompleted",
                     {"TeamRunStarted", "RunCompleted", "RunCompleted"}, {}, 2},
                    fx.port(0), fx.port(1));
  check_composition({"workflows/flow-parallel", msg, "COMPLETED", "WorkflowCompleted",
                     {"ParallelExecutionStarted", "ParallelExecutionCompleted", "StepCompleted"},
                     {}, 3},
                    fx.port(0), fx.port(1));
}
