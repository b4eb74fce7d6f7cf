// Every runnable shape — a step function (echo), an async producer emitting from the
// runtime's executor (ticker), a CAF actor (counter) — through HTTP on one node: stream,
// resume in the middle, cancel. Teams and workflows: compositions_test. (Runs
// runcast_test_server.)

#include "tests/integration/runnable_scenarios.hpp"

#include <catch2/catch.hpp>

using namespace runcast::test;

TEST_CASE("every runnable shape streams and resumes in the middle of its run") {
  server_fixture fx;
  for (const auto& shape : test_shapes())
    stream_resume_mid_run(shape, fx.port(), fx.port());
}

TEST_CASE("every runnable shape is cancelled through HTTP") {
  server_fixture fx;
  for (const auto& shape : test_shapes())
    cancel_through_http(shape, fx.port(), fx.port());
}

TEST_CASE("a producer or actor that fails ends its run ERROR with the error event last") {
  server_fixture fx;
  for (std::string component : {"agents/ticker", "agents/counter"}) {
    INFO(component);
    auto run = start_stream(fx.port(), {{"message", "x"}, {"count", "10"}, {"fail_at", "3"},
                                        {"delay_ms", "5"}},
                            component);
    auto frames = read_to_end(*run);
    REQUIRE(frames.size() == 5); // started, three contents, the error
    CHECK(frames.back().event == "RunError");
    auto session_id = frames[0].json()["session_id"].get<std::string>();
    auto run_id = frames[0].json()["run_id"].get<std::string>();
    auto polled = poll_until(fx.port(), run_id, session_id, "ERROR", std::chrono::seconds{20},
                             component);
    CHECK_FALSE(polled["error"].get<std::string>().empty());
  }
}

TEST_CASE("a runnable factory refuses a bad parameter with 422 and starts nothing") {
  server_fixture fx;
  auto bad = request(fx.port(), "POST", "/agents/ticker/runs",
                     form_urlencode({{"message", "x"}, {"count", "-1"}}),
                     "application/x-www-form-urlencoded");
  CHECK(bad.status == 422);
  CHECK(bad.json()["detail"].get<std::string>().find("count") != std::string::npos);
  CHECK(request(fx.port(), "GET", "/sessions").json()["meta"]["total_count"] == 0);
}
