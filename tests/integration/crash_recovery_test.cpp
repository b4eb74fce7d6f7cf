// A run killed by a server crash is ERROR after restart; its persisted events replay with
// their original indices and a final RunError. A server that cannot listen exits and says
// where.

#include "tests/integration/run_helpers.hpp"

#include "persistence/store.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <catch2/catch.hpp>

#include <thread>

using namespace runcast::test;

TEST_CASE("kill -9 mid-run: after restart the run is ERROR and replays with original indices") {
  server_fixture fx;
  auto c = start_stream(fx.port(), {{"message", words(200)},
                                    {"background", "true"},
                                    {"delay_ms", "20"}});
  auto before = read_frames(*c, 20);
  auto run_id = before[0].json()["run_id"].get<std::string>();
  auto session_id = before[0].json()["session_id"].get<std::string>();
  // Let the first 20 events reach the store (group commit is milliseconds behind): read the
  // store itself, as a second client of the same database.
  {
    auto db = runcast::persistence::open_store(fx.db);
    REQUIRE(eventually([&] { return db->next_event_index(run_id) >= 20; }));
  }
  fx.server->kill9();
  c.reset();
  fx.restart();

  auto run = request(fx.port(), "GET", "/agents/echo/runs/" + run_id + "?session_id=" + session_id);
  REQUIRE(run.status == 200);
  CHECK(run.json()["status"] == "ERROR");
  CHECK(run.json()["error"].get<std::string>().find("interrupted") != std::string::npos);

  auto r = resume(fx.port(), run_id, session_id, -1);
  auto frames = read_to_end(*r);
  REQUIRE(frames.size() >= 22);
  CHECK(frames.front().event == "replay");
  CHECK(frames.front().json()["status"] == "ERROR");
  auto events = events_by_index(frames);
  int64_t expected = 0;
  for (const auto& [index, data] : events)
    CHECK(index == expected++); // dense, from 0
  for (int i = 0; i < 20; ++i)
    CHECK(events[i] == before[i].data); // byte-identical to what the client saw live
  CHECK(frames.back().event == "RunError");
  CHECK(frames.back().json()["content"].get<std::string>().find("interrupted")
        != std::string::npos);
  CHECK(fx.server->log().find("marked 1 interrupted runs as ERROR") != std::string::npos);
}

TEST_CASE("SIGTERM ends runs still live after the grace as ERROR and flushes them before "
          "exiting") {
  // A 5 s run and a 200 ms grace: the run is still live when the grace ends.
  server_fixture fx{{"--shutdown-grace-ms", "200"}};
  auto res = request(fx.port(), "POST", "/agents/echo/runs",
                     form_urlencode({{"message", words(100)}, {"stream", "false"},
                                     {"background", "true"}, {"delay_ms", "50"}}),
                     "application/x-www-form-urlencoded");
  auto run_id = res.json()["run_id"].get<std::string>();
  auto session_id = res.json()["session_id"].get<std::string>();
  poll_until(fx.port(), run_id, session_id, "RUNNING");
  CHECK(fx.server->stop() == 0);
  fx.restart();
  auto run = request(fx.port(), "GET", "/agents/echo/runs/" + run_id + "?session_id=" + session_id);
  CHECK(run.json()["status"] == "ERROR");
  CHECK(run.json()["error"] == "interrupted: server shutting down");
  CHECK(fx.server->log().find("interrupted runs") == std::string::npos); // nothing left to recover
}

TEST_CASE("a server whose HTTP port is taken exits and names the address") {
  temp_dir dir;
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor taken{ioc, {boost::asio::ip::make_address("127.0.0.1"), 0}};
  auto port = std::to_string(taken.local_endpoint().port());
  server_options o;
  o.db = "sqlite:" + (dir.path() / "runcast.db").string();
  o.log_dir = dir.path();
  o.extra_args = {"--port", port}; // after the fixture's --port 0: the last one counts
  REQUIRE_THROWS_WITH(server_process{o},
                      Catch::Contains("exited with code 1")
                        && Catch::Contains("cannot listen on 127.0.0.1:" + port
                                           + ": Address already in use"));
}
