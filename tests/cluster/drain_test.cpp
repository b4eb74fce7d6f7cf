// Rolling restarts: a drained node takes no new runs (its /health says so, so a load
// balancer stops sending it work), while its live runs finish and stay resumable from the
// other nodes; SIGUSR1 drains like POST /admin/drain.

#include "tests/cluster/cluster_fixture.hpp"
#include "tests/integration/run_helpers.hpp"

#include <catch2/catch.hpp>

#include <csignal>

using namespace runcast::test;
using namespace std::chrono_literals;

namespace {

const std::string urlencoded = "application/x-www-form-urlencoded";

void check_drained(uint16_t port) {
  auto health = request(port, "GET", "/health");
  INFO(health.body);
  CHECK(health.status == 503);
  CHECK(health.json()["status"] == "draining");
  auto start = request(port, "POST", "/agents/echo/runs",
                       form_urlencode({{"message", "x"}, {"stream", "false"},
                                       {"background", "true"}}),
                       urlencoded);
  INFO(start.body);
  CHECK(start.status == 503);
  CHECK(start.header("retry-after") == "1");
  CHECK(start.json()["detail"].get<std::string>().find("draining") != std::string::npos);
}

} // namespace

TEST_CASE("a drained node refuses new runs while its live run finishes and resumes on "
          "another node") {
  cluster_fixture fx;
  fx.await_peers(0, 2);
  fx.await_peers(1, 2);
  auto live = start_stream(fx.port(0), {{"message", words(60)}, {"delay_ms", "40"},
                                        {"background", "true"}});
  auto head = read_frames(*live, 3);
  auto run_id = head[0].json()["run_id"].get<std::string>();
  auto session_id = head[0].json()["session_id"].get<std::string>();

  auto drained = request(fx.port(0), "POST", "/admin/drain");
  INFO(drained.body);
  REQUIRE(drained.status == 200);
  CHECK(drained.json()["status"] == "draining");
  check_drained(fx.port(0));
  CHECK(metric(fx.port(0), "runcast_run_starts_refused_total{reason=\"draining\"}") == 1);
  // The others still take work.
  CHECK(request(fx.port(1), "GET", "/health").status == 200);
  auto elsewhere = request(fx.port(1), "POST", "/agents/echo/runs",
                           form_urlencode({{"message", "hi"}, {"stream", "false"}}), urlencoded);
  CHECK(elsewhere.status == 200);

  // The live run goes on on the drained node; its client drops and resumes on n2.
  live->close();
  auto on_n2 = resume(fx.port(1), run_id, session_id, 2);
  auto rest = read_to_end(*on_n2, 30s);
  REQUIRE(!rest.empty());
  CHECK(rest.front().event == "catch_up");
  CHECK(rest.back().event == "RunCompleted");
  auto events = events_by_index(rest);
  CHECK(events.begin()->first == 3);
  CHECK(events.rbegin()->first == 61);
  CHECK(events.size() == 59);
  // Draining is not stopping: the drained node still serves reads and resumes.
  auto again = resume(fx.port(0), run_id, session_id, 2);
  CHECK(events_by_index(read_to_end(*again)) == events);
}

TEST_CASE("SIGUSR1 drains a node as POST /admin/drain does") {
  cluster_fixture fx;
  REQUIRE(request(fx.port(2), "GET", "/health").status == 200);
  REQUIRE(::kill(fx.nodes[2]->pid(), SIGUSR1) == 0);
  // Not "received SIGUSR1, draining": that line comes before the drain is in effect. This
  // one comes from the run manager once it refuses starts (and /health was switched before).
  REQUIRE(fx.nodes[2]->wait_for_log("no new runs on this node", 10s));
  check_drained(fx.port(2));
  CHECK(fx.nodes[2]->running());
}
