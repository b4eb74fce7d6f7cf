#include "core/run_status.hpp"

#include <catch2/catch.hpp>

using namespace runcast;

TEST_CASE("statuses round-trip through their upper-case names") {
  for (auto s : {run_status::pending, run_status::running, run_status::completed,
                 run_status::paused, run_status::cancelled, run_status::error})
    CHECK(parse_run_status(to_string(s)) == s);
  CHECK(to_string(run_status::running) == "RUNNING");
  CHECK(parse_run_status("completed") == run_status::completed);
  CHECK_FALSE(parse_run_status("DONE"));
  CHECK_FALSE(parse_run_status(""));
}

TEST_CASE("only completed, cancelled and error are terminal") {
  CHECK(is_terminal(run_status::completed));
  CHECK(is_terminal(run_status::cancelled));
  CHECK(is_terminal(run_status::error));
  CHECK_FALSE(is_terminal(run_status::pending));
  CHECK_FALSE(is_terminal(run_status::running));
  CHECK_FALSE(is_terminal(run_status::paused));
}
